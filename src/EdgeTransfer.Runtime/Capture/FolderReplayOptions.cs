using EdgeTransfer.Imaging.Decoding;

namespace EdgeTransfer.Runtime.Capture;

/// <summary>Settings of a <see cref="FolderReplaySource"/>; checked by <see cref="FolderReplayOptionsValidator"/>.</summary>
public sealed class FolderReplayOptions
{
    /// <summary>The ImageFolder tree (<c>&lt;dir&gt;/&lt;class&gt;/*.png|jpg|bmp</c>) or a flat folder of images.</summary>
    public required string Directory { get; init; }

    /// <summary>The source name in status reports and frame records. Default <c>replay</c>.</summary>
    public string Name { get; init; } = "replay";

    /// <summary>Start again from the first image after the last one (true, the default), or end the stream.</summary>
    public bool Loop { get; init; } = true;

    /// <summary>The highest frame rate, or null to deliver frames as fast as they are asked for.</summary>
    public double? FramesPerSecond { get; init; }

    /// <summary>The decoder limits (byte size, pixel count); defaults when null.</summary>
    public ImageDecoderOptions? Decoder { get; init; }
}
