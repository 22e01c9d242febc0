using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Preparation;

/// <summary>A prepared bundle: where it is, its manifest, and how long it took.</summary>
/// <param name="Directory">The bundle directory.</param>
/// <param name="Manifest">The manifest as written.</param>
/// <param name="Elapsed">The wall time of the preparation.</param>
public sealed record PrepareResult(string Directory, BundleManifest Manifest, TimeSpan Elapsed)
{
    /// <summary>A short human-readable summary: id, classes, files with sizes.</summary>
    public string Summary()
    {
        var lines = new List<string>
        {
            $"bundle     {Manifest.BundleId} → {Directory} ({Elapsed.TotalSeconds:0.0} s)",
            $"classes    {string.Join(", ", Manifest.Classes)}",
        };
        lines.AddRange(Manifest.Files.Select(f => $"  {f.Path,-20} {f.Role,-16} {f.Bytes / 1024.0 / 1024.0,8:0.00} MB  sha256 {f.Sha256[..12]}…"));
        return string.Join(Environment.NewLine, lines);
    }
}
