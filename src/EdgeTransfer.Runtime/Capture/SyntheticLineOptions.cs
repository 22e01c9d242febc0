using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>Settings of a <see cref="SyntheticLineSource"/>; checked by <see cref="SyntheticLineOptionsValidator"/>.</summary>
public sealed class SyntheticLineOptions
{
    /// <summary>The seed: the same seed and settings give the same sequence of parts, byte for byte.</summary>
    public int Seed { get; init; }

    /// <summary>The side of the square frames in pixels (<see cref="SyntheticPartGenerator.MinSize"/>–<see cref="SyntheticPartGenerator.MaxSize"/>). Default 224.</summary>
    public int Size { get; init; } = 224;

    /// <summary>
    /// The class mix: class name (see <see cref="SyntheticPartGenerator.DefectClasses"/>) → relative weight.
    /// Default: 80 % good, 5 % each of scratch, dent, stain and hole, like a line that mostly makes good parts.
    /// </summary>
    public IReadOnlyDictionary<string, double> ClassMix { get; init; } = new Dictionary<string, double>
    {
        [SyntheticPartGenerator.Good] = 0.80,
        [SyntheticPartGenerator.Scratch] = 0.05,
        [SyntheticPartGenerator.Dent] = 0.05,
        [SyntheticPartGenerator.Stain] = 0.05,
        [SyntheticPartGenerator.Hole] = 0.05,
    };

    /// <summary>The highest frame rate, or null to deliver parts as fast as they are asked for.</summary>
    public double? FramesPerSecond { get; init; }

    /// <summary>How many parts before the stream ends, or null for an endless line.</summary>
    public long? FrameCount { get; init; }

    /// <summary>The source name in status reports and frame records. Default <c>synthetic</c>.</summary>
    public string Name { get; init; } = "synthetic";
}
