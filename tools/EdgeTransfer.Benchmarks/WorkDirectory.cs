namespace EdgeTransfer.Benchmarks;

/// <summary>A scratch folder for one benchmark run (generated images, model files), deleted afterwards.</summary>
internal sealed class WorkDirectory : IDisposable
{
    public WorkDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edgetransfer-bench", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A scratch folder left in the temp directory is harmless; the benchmark's figures are not.
        }
    }
}
