namespace EdgeTransfer;

/// <summary>A bundle is not valid: a missing or changed file, a bad manifest, an unknown format version.</summary>
public sealed class BundleException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="bundlePath">The bundle directory or archive.</param>
    /// <param name="fileName">The file inside the bundle at fault (relative path), if any.</param>
    /// <param name="reason">Why, as a sentence (expected and actual values included).</param>
    /// <param name="innerException">The I/O or parse error behind it, if any.</param>
    public BundleException(string bundlePath, string? fileName, string reason, Exception? innerException = null)
        : base(fileName is null
            ? $"Bundle '{bundlePath}' is not valid: {reason}"
            : $"Bundle '{bundlePath}' is not valid: {fileName} {reason}", innerException)
    {
        BundlePath = bundlePath;
        FileName = fileName;
        Reason = reason;
    }

    /// <summary>The bundle directory or archive.</summary>
    public string BundlePath { get; }

    /// <summary>The file inside the bundle at fault (relative path), or null for the bundle as a whole.</summary>
    public string? FileName { get; }

    /// <summary>Why the bundle was rejected.</summary>
    public string Reason { get; }
}
