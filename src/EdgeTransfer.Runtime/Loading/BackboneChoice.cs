namespace EdgeTransfer.Runtime.Loading;

/// <summary>Which backbone of a bundle the device runs.</summary>
public enum BackboneChoice
{
    /// <summary>The INT8 backbone when the bundle has one, else the float one (the default).</summary>
    /// <remarks>INT8 (U8S8 QDQ) measured 2.25–2.5× faster than float at batch 1 on the reference VM (docs/benchmarks.md).</remarks>
    Auto,

    /// <summary>The INT8 backbone (<c>backbone-int8</c>); a bundle without one is refused.</summary>
    Quantized,

    /// <summary>The float backbone (<c>backbone</c>); a bundle without one is refused.</summary>
    FullPrecision,
}
