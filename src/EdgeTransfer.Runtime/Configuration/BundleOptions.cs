namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>bundle</c> section: which model bundle the device runs.</summary>
public sealed class BundleOptions
{
    /// <summary>The activation types an INT8 flavour name may take in <see cref="Int8Activations"/>.</summary>
    public static IReadOnlyList<string> KnownInt8Activations { get; } = ["uint8", "int8"];

    /// <summary>The bundle directory; relative paths are taken from the directory of <c>device.json</c>. Default <c>bundle</c>.</summary>
    public string Path { get; set; } = "bundle";

    /// <summary>
    /// The INT8 flavours this platform runs well, by activation type (<c>uint8</c> for U8S8, <c>int8</c> for
    /// S8S8), or null (default) for any. A bundle whose INT8 backbone uses another flavour is refused when it is
    /// opened or deployed, before it serves a verdict.
    /// </summary>
    /// <remarks>
    /// ONNX Runtime's x86-64 kernels without VNNI can saturate the int16 intermediate of S8S8 and lose accuracy,
    /// and are slower than U8S8 there, so the x86-64 profiles accept only <c>uint8</c>; the arm64 kernels run
    /// both flavours alike (measured under emulation, docs/benchmarks.md).
    /// </remarks>
    public IReadOnlyList<string>? Int8Activations { get; set; }
}
