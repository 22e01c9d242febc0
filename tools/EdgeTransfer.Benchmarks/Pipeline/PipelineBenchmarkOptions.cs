using System.Globalization;

namespace EdgeTransfer.Benchmarks.Pipeline;

/// <summary>What <see cref="PipelineBenchmark"/> measures; checked by <see cref="Validate"/>.</summary>
public sealed class PipelineBenchmarkOptions
{
    /// <summary>A prepared bundle with an INT8 backbone; null prepares one in a scratch folder (ResNet18, 16 synthetic calibration images).</summary>
    public string? BundlePath { get; init; }

    /// <summary>Timed frames; default 200.</summary>
    public int Frames { get; init; } = 200;

    /// <summary>Untimed frames first; default 20.</summary>
    public int Warmup { get; init; } = 20;

    /// <summary>Distinct JPEG frames generated and cycled through; default 24.</summary>
    public int DistinctFrames { get; init; } = 24;

    /// <summary>Frame width; default 640.</summary>
    public int Width { get; init; } = 640;

    /// <summary>Frame height; default 480.</summary>
    public int Height { get; init; } = 480;

    /// <summary>JPEG quality of the generated frames, 1–100; default 90 (a camera's MJPEG is typically 80–95).</summary>
    public int JpegQuality { get; init; } = 90;

    /// <summary>ORT intra-op threads of the backbone; default 0 (one per core, the device's default).</summary>
    public int Threads { get; init; }

    /// <summary>The seed of the synthetic parts; default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad option.</summary>
    public void Validate()
    {
        Check(Frames is >= 20 and <= 100_000, "--frames", $"expected 20 to 100000 timed frames (p99 needs at least a few dozen), got {Frames}.");
        Check(Warmup is >= 0 and <= 10_000, "--warmup", $"expected 0 to 10000, got {Warmup}.");
        Check(DistinctFrames is >= 1 and <= 1000, "--distinct-frames", $"expected 1 to 1000, got {DistinctFrames}.");
        Check(Width is >= 16 and <= 4096 && Height is >= 16 and <= 4096, "--size", $"expected sides of 16 to 4096 pixels, got {Width}×{Height}.");
        Check(JpegQuality is >= 1 and <= 100, "--jpeg-quality", $"expected 1 to 100, got {JpegQuality}.");
        Check(Threads is >= 0 and <= 256, "--threads", $"expected 0 (one per core) to 256, got {Threads}.");
    }

    private static void Check(bool ok, string option, string reason)
    {
        if (!ok)
        {
            throw new InvalidSettingException(option, reason.ToString(CultureInfo.InvariantCulture));
        }
    }
}
