namespace EdgeTransfer.Benchmarks.Fleet;

/// <summary>
/// What was sent and what arrived, per simulated device: the delivered/sent ratio, duplicates (QoS 1 may
/// deliver twice, MQTT 5 §4.3.2), holes in each device's sequence, and end-to-end latencies.
/// </summary>
/// <remarks>
/// Sent and received are kept apart and matched at the end, because a message may arrive before the
/// sender has recorded its seq. Thread-safe: one lock per device, one for the latencies.
/// </remarks>
internal sealed class TelemetryLedger
{
    private readonly Dictionary<string, int> _index;
    private readonly DeviceBook[] _books;
    private readonly Lock _latencyLock = new();
    private readonly List<double> _latencies = [];
    private long _unknown;

    public TelemetryLedger(IReadOnlyList<string> devices)
    {
        _index = devices.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => p.i, StringComparer.Ordinal);
        _books = [.. devices.Select(_ => new DeviceBook())];
    }

    /// <summary>Messages from devices this ledger does not know (another run on the same broker).</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    public void Sent(int device, long seq)
    {
        var book = _books[device];
        lock (book)
        {
            book.Sent.Add(seq);
        }
    }

    /// <summary>Ignores everything of <paramref name="device"/> up to <paramref name="seq"/> (a warm-up, possibly still in flight).</summary>
    public void Ignore(int device, long seq)
    {
        var book = _books[device];
        lock (book)
        {
            book.Floor = seq;
        }
    }

    public void Received(string device, long seq, double latencyMs)
    {
        if (!_index.TryGetValue(device, out var index))
        {
            Interlocked.Increment(ref _unknown);
            return;
        }

        var book = _books[index];
        lock (book)
        {
            if (seq <= book.Floor)
            {
                return;
            }

            if (!book.Received.Add(seq))
            {
                book.Duplicates++;
                return;
            }
        }

        lock (_latencyLock)
        {
            _latencies.Add(latencyMs);
        }
    }

    public long SentCount() => _books.Sum(b => { lock (b) { return (long)b.Sent.Count; } });

    public long DeliveredCount() => _books.Sum(b => { lock (b) { return (long)b.Sent.Count(b.Received.Contains); } });

    /// <summary>The figures now: sent, delivered (unique, of those sent), duplicates, holes (runs of missing seqs), latencies.</summary>
    public (long Sent, long Delivered, long Duplicates, long Holes, LatencySummary Latency) Summarise()
    {
        long sent = 0, delivered = 0, duplicates = 0, holes = 0;
        foreach (var book in _books)
        {
            lock (book)
            {
                sent += book.Sent.Count;
                duplicates += book.Duplicates;
                var inHole = false;
                foreach (var seq in book.Sent)
                {
                    var got = book.Received.Contains(seq);
                    delivered += got ? 1 : 0;
                    holes += !got && !inHole ? 1 : 0;
                    inHole = !got;
                }
            }
        }

        List<double> copy;
        lock (_latencyLock)
        {
            copy = [.. _latencies];
        }

        return (sent, delivered, duplicates, holes, LatencySummary.From(copy));
    }

    private sealed class DeviceBook
    {
        public List<long> Sent { get; } = [];

        public HashSet<long> Received { get; } = [];

        public long Duplicates { get; set; }

        public long Floor { get; set; } = long.MinValue;
    }
}
