namespace EdgeTransfer.Demo;

/// <summary>The demo's detailed log (prepare's steps and the like), kept with <c>--keep</c>.</summary>
internal sealed class DemoLog(string path) : IDisposable
{
    private readonly StreamWriter _writer = new(path, append: false) { AutoFlush = true };
    private readonly Lock _gate = new();

    public void Write(string line)
    {
        lock (_gate)
        {
            _writer.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");
        }
    }

    public void Dispose() => _writer.Dispose();
}
