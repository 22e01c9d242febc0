using System.Globalization;
using System.Text;
using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>
/// The device's message sequence number (<c>seq</c>): 64-bit, monotonically increasing, persisted so it
/// keeps rising across restarts. Thread-safe.
/// </summary>
/// <remarks>
/// Writing the file for every message would cost an fsync per telemetry line and wear the flash, so
/// the counter reserves a block: the file holds a mark above every number handed out. After a clean
/// shutdown (<see cref="Dispose"/>) the exact next number is stored and there is no gap; after a power
/// cut the device resumes at the mark, so <c>seq</c> jumps forward by less than one block — never back.
/// Sparkplug B resets its 8-bit seq on every birth; consumers of ours see a restart in the birth instead.
/// </remarks>
public sealed class SequenceCounter : IDisposable
{
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly int _block;
    private long _next;
    private long _reserved;
    private bool _disposed;

    /// <summary>Opens (or creates) the counter stored at <paramref name="path"/>.</summary>
    /// <param name="path">The counter file (device state directory).</param>
    /// <param name="block">Numbers reserved per file write, 1 or more. Default 1000.</param>
    public SequenceCounter(string path, int block = 1000)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(block, 1);
        _path = Path.GetFullPath(path);
        _block = block;
        _next = Load(_path);
        _reserved = _next;
    }

    /// <summary>The last number handed out, or the stored start minus one before the first.</summary>
    public long Last
    {
        get
        {
            lock (_lock)
            {
                return _next - 1;
            }
        }
    }

    /// <summary>The next sequence number.</summary>
    public long Next()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_next >= _reserved)
            {
                _reserved = _next + _block;
                Store(_reserved);
            }

            return _next++;
        }
    }

    /// <summary>Stores the exact next number, so that a restart continues without a gap.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Store(_next);
        }
    }

    private void Store(long value) => AtomicFile.WriteAllText(_path, value.ToString(CultureInfo.InvariantCulture) + "\n");

    private static long Load(string path)
    {
        if (!File.Exists(path))
        {
            return 1;
        }

        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path)).Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1)
        {
            return value;
        }

        // The file is written atomically, so this means it was edited or the disk is failing. Continue
        // above any number a counter started at 1 could have reached, instead of going back to 1.
        return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
    }
}
