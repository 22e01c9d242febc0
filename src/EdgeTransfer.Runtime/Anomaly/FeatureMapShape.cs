namespace EdgeTransfer.Runtime.Anomaly;

/// <summary>The dimensions of one feature map in CHW layout (channels, height, width).</summary>
/// <param name="Channels">The number of channels.</param>
/// <param name="Height">The number of rows.</param>
/// <param name="Width">The number of columns.</param>
public readonly record struct FeatureMapShape(int Channels, int Height, int Width)
{
    /// <summary>The number of values of a map of this shape.</summary>
    public int Length => Channels * Height * Width;

    /// <summary>The number of spatial positions (height × width).</summary>
    public int Positions => Height * Width;

    /// <summary>Whether every dimension is positive.</summary>
    public bool IsValid => Channels > 0 && Height > 0 && Width > 0 && (long)Channels * Height * Width <= int.MaxValue;

    /// <summary>The shape as people write it: <c>128×28×28</c> (channels × height × width).</summary>
    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
