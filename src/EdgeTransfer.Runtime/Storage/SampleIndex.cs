namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// The store's in-memory index: the live samples by id (oldest first) and by class, their bytes, and the
/// next free id. It is rebuilt from the segments on open (<see cref="Apply"/>) and decides which samples the
/// capacity limits evict; it never touches the disk.
/// </summary>
/// <remarks>Not thread-safe: <see cref="SampleStore"/> calls it under its lock.</remarks>
internal sealed class SampleIndex
{
    private readonly SampleStoreOptions _options;
    private readonly SortedDictionary<long, SampleEntry> _live = [];
    private readonly SortedSet<long>[] _byClass;

    public SampleIndex(int classCount, SampleStoreOptions options)
    {
        _options = options;
        _byClass = [.. Enumerable.Range(0, classCount).Select(_ => new SortedSet<long>())];
    }

    /// <summary>The number of live samples.</summary>
    public int Count => _live.Count;

    /// <summary>The record bytes of the live samples.</summary>
    public long LiveBytes { get; private set; }

    /// <summary>The id the next sample gets: one above every id seen, live or not.</summary>
    public long NextId { get; private set; }

    /// <summary>The live samples, oldest first.</summary>
    public IEnumerable<SampleEntry> Entries => _live.Values;

    /// <summary>The number of live samples of class <paramref name="classIndex"/>.</summary>
    public int CountOf(int classIndex) => _byClass[classIndex].Count;

    public bool Contains(long id) => _live.ContainsKey(id);

    public bool TryGet(long id, out SampleEntry entry) => _live.TryGetValue(id, out entry!);

    public void Add(SampleEntry entry)
    {
        _live[entry.Id] = entry;
        _byClass[entry.ClassIndex].Add(entry.Id);
        LiveBytes += entry.RecordBytes;
        NextId = Math.Max(NextId, entry.Id + 1);
    }

    public void Remove(long id)
    {
        if (_live.Remove(id, out var entry))
        {
            _byClass[entry.ClassIndex].Remove(id);
            LiveBytes -= entry.RecordBytes;
        }
    }

    public void Relabel(SampleEntry entry, int classIndex)
    {
        _byClass[entry.ClassIndex].Remove(entry.Id);
        entry.ClassIndex = classIndex;
        _byClass[classIndex].Add(entry.Id);
    }

    /// <summary>Replays one record of segment <paramref name="segment"/>, in the order the segments hold them.</summary>
    public void Apply(int segment, ScannedRecord scanned)
    {
        var (offset, recordBytes, record) = scanned;
        NextId = Math.Max(NextId, record.Id + 1);
        switch (record.Kind)
        {
            case RecordKind.Sample:
                // After a compaction cut short, a sample can be in an old and a new segment: the later copy wins.
                Remove(record.Id);
                Add(new SampleEntry(record.Id, record.ClassIndex, record.TimestampMs, record.FrameId, segment, offset, recordBytes, record.JpegLength) { PartOf = record.PartOf });
                break;
            case RecordKind.Remove:
                Remove(record.Id);
                break;
            case RecordKind.Relabel when _live.TryGetValue(record.Id, out var entry):
                Relabel(entry, record.ClassIndex);
                break;
        }
    }

    /// <summary>
    /// The samples to evict, oldest first, so that <paramref name="adding"/> more samples of class
    /// <paramref name="classIndex"/> (a negative index for none) of <paramref name="addingBytes"/> bytes fit the limits.
    /// </summary>
    public List<(long Id, RemoveReason Reason)> PlanEvictions(int classIndex, int adding, long addingBytes)
    {
        var evictions = new List<(long Id, RemoveReason Reason)>();
        var planned = new HashSet<long>();
        if (classIndex >= 0)
        {
            var excess = _byClass[classIndex].Count + adding - _options.MaxPerClass;
            foreach (var id in _byClass[classIndex].Take(Math.Max(0, excess)))
            {
                evictions.Add((id, RemoveReason.EvictedPerClass));
                planned.Add(id);
            }
        }

        var bytes = LiveBytes + addingBytes - evictions.Sum(e => (long)_live[e.Id].RecordBytes);
        if (bytes > _options.MaxTotalBytes)
        {
            EvictOldest(evictions, planned, bytes);
        }

        return evictions;
    }

    /// <summary>
    /// The samples to evict so that what is stored fits the limits (after open, when the limits may have been
    /// lowered, or after a relabel into <paramref name="classIndex"/>; null checks every class).
    /// </summary>
    public List<(long Id, RemoveReason Reason)> PlanLimits(int? classIndex)
    {
        var evictions = new List<(long Id, RemoveReason Reason)>();
        foreach (var c in classIndex is { } only ? [only] : Enumerable.Range(0, _byClass.Length))
        {
            evictions.AddRange(PlanEvictions(c, 0, 0).Where(e => e.Reason == RemoveReason.EvictedPerClass));
        }

        var planned = evictions.Select(e => e.Id).ToHashSet();
        EvictOldest(evictions, planned, LiveBytes - evictions.Sum(e => (long)_live[e.Id].RecordBytes));
        return evictions;
    }

    // Adds the oldest samples not yet planned until the bytes left fit MaxTotalBytes.
    private void EvictOldest(List<(long Id, RemoveReason Reason)> evictions, HashSet<long> planned, long bytes)
    {
        foreach (var entry in _live.Values)
        {
            if (bytes <= _options.MaxTotalBytes)
            {
                break;
            }

            if (planned.Add(entry.Id))
            {
                evictions.Add((entry.Id, RemoveReason.EvictedBytes));
                bytes -= entry.RecordBytes;
            }
        }
    }
}
