namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>One feature map output of the backbone: [N, Channels, Height, Width] floats (dequantized in an INT8 backbone).</summary>
public sealed record PatchLayerInfo
{
    /// <summary>The tensor's name in the source model (what <c>--patch-layers</c> takes).</summary>
    public required string Name { get; init; }

    /// <summary>The backbone graph output that carries it.</summary>
    public required string Output { get; init; }

    /// <summary>C, the channels of the map.</summary>
    public required int Channels { get; init; }

    /// <summary>H, the rows of the map.</summary>
    public required int Height { get; init; }

    /// <summary>W, the columns of the map.</summary>
    public required int Width { get; init; }

    /// <summary>Input pixels per map cell along each side (input height / <see cref="Height"/>), e.g. 8 for 28×28 at 224 px.</summary>
    public required int Stride { get; init; }
}
