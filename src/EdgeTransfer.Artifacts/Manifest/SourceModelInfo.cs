namespace EdgeTransfer.Artifacts.Manifest;

/// <summary>The pretrained model a bundle was prepared from.</summary>
public sealed record SourceModelInfo
{
    /// <summary>The model's file name (not a path: the host's folders mean nothing on a device).</summary>
    public required string File { get; init; }

    /// <summary>The SHA-256 of the model file, lower-case hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The opset of the model's default ONNX domain.</summary>
    public required int Opset { get; init; }
}
