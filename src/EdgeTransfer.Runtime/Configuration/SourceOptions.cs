namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>source</c> section: where frames come from. Only the sub-section of <see cref="Kind"/> is used.</summary>
public sealed class SourceOptions
{
    /// <summary><c>camera</c> (default), <c>folder</c> or <c>synthetic</c>.</summary>
    public SourceKind Kind { get; set; } = SourceKind.Camera;

    /// <summary>The camera, used when <see cref="Kind"/> is <c>camera</c>.</summary>
    public CameraSourceOptions Camera { get; set; } = new();

    /// <summary>The folder replay, used when <see cref="Kind"/> is <c>folder</c>.</summary>
    public FolderSourceOptions Folder { get; set; } = new();

    /// <summary>The synthetic line, used when <see cref="Kind"/> is <c>synthetic</c>.</summary>
    public SyntheticSourceOptions Synthetic { get; set; } = new();
}
