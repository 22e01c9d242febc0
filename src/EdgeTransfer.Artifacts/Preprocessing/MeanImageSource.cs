namespace EdgeTransfer.Artifacts.Preprocessing;

/// <summary>A mean image stored as an initializer of an ONNX model, as ML.NET ships it for the ResNet18.</summary>
public sealed record MeanImageSource
{
    /// <summary>The ONNX model file that holds the mean image, relative to the spec's folder.</summary>
    public required string Model { get; init; }

    /// <summary>The name of the initializer: a float tensor [1,C,H,W] or [C,H,W] in the model's channel order.</summary>
    public required string Initializer { get; init; }
}
