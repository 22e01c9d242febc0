namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The <c>source.folder</c> section: images replayed from an ImageFolder tree (<c>root/&lt;class&gt;/*.jpg</c>).</summary>
public sealed class FolderSourceOptions
{
    /// <summary>The folder; required when <c>source.kind</c> is <c>folder</c>. Relative paths are taken from the directory of <c>device.json</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Whether to start again from the first image after the last. Default true.</summary>
    public bool Loop { get; set; } = true;
}
