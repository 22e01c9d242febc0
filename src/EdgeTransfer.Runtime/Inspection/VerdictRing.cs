namespace EdgeTransfer.Runtime.Inspection;

/// <summary>The last N verdicts; one writer (the loop), any readers. Adding stores a reference: no allocation.</summary>
internal sealed class VerdictRing(int capacity)
{
    private readonly Verdict?[] _items = new Verdict?[capacity];
    private readonly Lock _lock = new();
    private long _count;

    public void Add(Verdict verdict)
    {
        // An uncontended lock is a few ns; it keeps a snapshot consistent (no verdict twice, none skipped).
        lock (_lock)
        {
            _items[_count % _items.Length] = verdict;
            _count++;
        }
    }

    /// <summary>The verdicts, oldest first.</summary>
    public Verdict[] Snapshot()
    {
        lock (_lock)
        {
            var n = (int)Math.Min(_count, _items.Length);
            var result = new Verdict[n];
            for (var i = 0; i < n; i++)
            {
                result[i] = _items[(_count - n + i) % _items.Length]!;
            }

            return result;
        }
    }
}
