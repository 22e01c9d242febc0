using EdgeTransfer.Artifacts.Text;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// Labelled samples on the disk: the feature vector of each labelled part (and optionally its JPEG for audit),
/// so that a head can be trained again without running the backbone again.
/// </summary>
/// <remarks>
/// <para>
/// Layout of the store directory: <c>store.json</c> (the schema, written once, atomically),
/// <c>seg-000001.ets</c>, <c>seg-000002.ets</c> … (append-only segment files of checksummed records, see
/// <see cref="SampleRecordCodec"/>) and <c>.lock</c> (held while the store is open, so that two processes
/// never write one store). Labels are stored as class indices; no label or frame id ever becomes a path.
/// </para>
/// <para>
/// Every append is fsync'ed before <see cref="Add"/> returns. On open the index is rebuilt from the segments;
/// a record whose CRC fails, or a last record cut short by a power loss, is skipped and reported in
/// <see cref="Statistics"/>, and every other sample survives. Damaged files are never rewritten in place:
/// appends go on in a fresh segment, and only compaction (which copies the live samples into new segments,
/// fsyncs and renames them, and only then deletes the old ones) drops the damage.
/// </para>
/// <para>
/// Capacity: at most <see cref="SampleStoreOptions.MaxPerClass"/> samples per class and
/// <see cref="SampleStoreOptions.MaxTotalBytes"/> bytes of samples in all; the oldest are evicted first
/// (a tombstone record makes the eviction survive a restart). All members are thread-safe.
/// </para>
/// </remarks>
public sealed class SampleStore : IDisposable
{
    internal const string SegmentPrefix = SegmentFiles.Prefix;
    internal const string SegmentExtension = SegmentFiles.Extension;

    private readonly Lock _gate = new();
    private readonly SampleStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly DirectoryLock _lock;
    private readonly Dictionary<string, int> _classIndex;
    private readonly SampleIndex _index;
    private readonly SegmentFiles _segments;
    private readonly SegmentCompactor _compactor;
    private long _evicted;
    private bool _disposed;

    private SampleStore(string directory, SampleStoreSchema schema, SampleStoreOptions options, TimeProvider time, DirectoryLock directoryLock)
    {
        DirectoryPath = directory;
        Schema = schema;
        _options = options;
        _time = time;
        _lock = directoryLock;
        _classIndex = schema.Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        _index = new SampleIndex(schema.Classes.Count, options);
        _segments = new SegmentFiles(directory, options.SegmentBytes);
        _compactor = new SegmentCompactor(_segments, _index, options);
    }

    /// <summary>The full path of the store directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>The feature size, classes and backbone the store was created for.</summary>
    public SampleStoreSchema Schema { get; }

    /// <summary>D, the number of floats of every feature vector.</summary>
    public int FeatureDimension => Schema.FeatureDimension;

    /// <summary>The class names; labels must be one of them.</summary>
    public IReadOnlyList<string> Classes => Schema.Classes;

    /// <summary>The number of live samples.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>Live samples per class name (every class present, possibly with 0).</summary>
    public IReadOnlyDictionary<string, int> CountsByClass
    {
        get
        {
            lock (_gate)
            {
                return Schema.Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => _index.CountOf(p.i), StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Counts, sizes and the damaged records skipped since the store was opened.</summary>
    public SampleStoreStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return new SampleStoreStatistics
                {
                    CountsByClass = Schema.Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => _index.CountOf(p.i), StringComparer.Ordinal),
                    TotalSamples = _index.Count,
                    LiveBytes = _index.LiveBytes,
                    DiskBytes = _segments.DiskBytes,
                    Segments = _segments.Count,
                    Skipped = [.. _segments.Skipped],
                    Evicted = _evicted,
                    Compactions = _compactor.Count,
                };
            }
        }
    }

    /// <summary>
    /// Opens the store in <paramref name="directory"/>, creating it (with <paramref name="schema"/>) when the
    /// directory is empty or missing, and rebuilds its index from the segment files.
    /// </summary>
    /// <param name="directory">The store directory.</param>
    /// <param name="schema">The feature size, classes and backbone of the bundle in use.</param>
    /// <param name="options">Capacity limits; null for the defaults.</param>
    /// <param name="timeProvider">The clock of the sample timestamps; null for the system clock.</param>
    /// <exception cref="SampleStoreException">
    /// The store was created for another feature size, class list or backbone; it is open in another process;
    /// or its <c>store.json</c> is damaged. Nothing on the disk is changed.
    /// </exception>
    /// <exception cref="InvalidSettingException">An option is out of range.</exception>
    public static SampleStore Open(string directory, SampleStoreSchema schema, SampleStoreOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(schema);
        SampleArguments.CheckSchema(schema);
        options ??= new SampleStoreOptions();
        options.Validate();
        var full = Path.GetFullPath(directory);
        var directoryLock = DirectoryLock.Acquire(full, nameof(SampleStore), (reason, ex) => new SampleStoreException(full, reason, ex));

        SampleStore? store = null;
        try
        {
            StoreDescriptor.CheckOrCreate(full, schema, timeProvider ?? TimeProvider.System);
            store = new SampleStore(full, schema, options, timeProvider ?? TimeProvider.System, directoryLock);
            store._segments.Load(schema.FeatureDimension, schema.Classes.Count, store._index.Apply);
            try
            {
                store.EnforceLimits(null);
            }
            catch (SampleStoreException)
            {
                // A full or failing disk must not keep the samples from being read for training; the tombstones
                // are written by the next Add, which reports the disk error if it is still there.
            }

            return store;
        }
        catch
        {
            if (store is not null)
            {
                store.Dispose();
            }
            else
            {
                directoryLock.Dispose();
            }

            throw;
        }
    }

    /// <summary>Adds a labelled sample; it is on the disk (fsync'ed) when this returns.</summary>
    /// <param name="label">The class name; must be one of <see cref="Classes"/> exactly.</param>
    /// <param name="features">The feature vector: <see cref="FeatureDimension"/> finite floats.</param>
    /// <param name="frameId">The id of the frame the features came from (1 to 200 UTF-8 bytes, no control characters).</param>
    /// <param name="jpeg">The frame as a JPEG for audit, or empty to keep none.</param>
    /// <param name="partOf">
    /// For an augmented view of a frame: the id of the frame's own sample, so that training keeps the two on one side of
    /// every split (<see cref="SampleSet.Parts"/>); null for a frame's own sample.
    /// </param>
    /// <returns>The stored sample. Older samples may have been evicted to make room.</returns>
    /// <exception cref="InvalidSettingException">The label is not a class of the store.</exception>
    /// <exception cref="ArgumentException">The features, frame id or JPEG are not acceptable.</exception>
    /// <exception cref="SampleStoreException">The disk refused the write; the store stays usable and nothing stored is lost.</exception>
    public StoredSample Add(string label, ReadOnlySpan<float> features, string frameId, ReadOnlySpan<byte> jpeg = default, long? partOf = null)
    {
        var classIndex = ResolveLabel(label);
        ArgumentOutOfRangeException.ThrowIfNegative(partOf ?? 0, nameof(partOf));
        SampleArguments.CheckFeatures(features, FeatureDimension);
        SampleArguments.CheckFrameId(frameId);
        SampleArguments.CheckJpeg(jpeg, _options.MaxJpegBytes);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var id = _index.NextId;
            var time = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (partOf >= id)
            {
                throw new ArgumentException($"Sample {partOf} does not exist yet, so a view cannot be part of it; store the frame's own sample first.", nameof(partOf));
            }

            var record = SampleRecordCodec.EncodeSample(id, time, classIndex, frameId, features, jpeg, partOf);
            if (record.Length > _options.MaxTotalBytes)
            {
                throw new ArgumentException($"The sample needs {record.Length} bytes, more than the store's whole capacity of {_options.MaxTotalBytes} bytes.", nameof(jpeg));
            }

            var evictions = _index.PlanEvictions(classIndex, 1, record.Length);
            var tombstones = evictions.Select(e => SampleRecordCodec.EncodeRemove(e.Id, time, e.Reason));
            var (segment, offset) = _segments.Append([record, .. tombstones]);
            var entry = new SampleEntry(id, classIndex, time, frameId, segment, offset, record.Length, jpeg.Length) { PartOf = partOf };
            _index.Add(entry);
            foreach (var (evictedId, _) in evictions)
            {
                _index.Remove(evictedId);
                _evicted++;
            }

            _compactor.CompactIfWorthIt();
            return entry.ToSample(Schema.Classes);
        }
    }

    /// <summary>The number of live samples of <paramref name="label"/>.</summary>
    /// <param name="label">A class name of the store.</param>
    /// <exception cref="InvalidSettingException">The label is not a class of the store.</exception>
    public int CountOf(string label)
    {
        var classIndex = ResolveLabel(label);
        lock (_gate)
        {
            return _index.CountOf(classIndex);
        }
    }

    /// <summary>A snapshot of every live sample's metadata, oldest first.</summary>
    public IReadOnlyList<StoredSample> Enumerate()
    {
        lock (_gate)
        {
            return [.. _index.Entries.Select(e => e.ToSample(Schema.Classes))];
        }
    }

    /// <summary>
    /// Reads every live sample, oldest first, as arrays ready for training. Each record's checksum is verified
    /// again; a record damaged since the store was opened is skipped and reported in <see cref="Statistics"/>.
    /// </summary>
    public SampleSet ReadAll()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var features = new List<float[]>(_index.Count);
            var labels = new List<long>(_index.Count);
            var ids = new List<long>(_index.Count);
            var parts = new List<long>(_index.Count);
            var damaged = new List<long>();
            using var reader = new SegmentReader(_segments);
            foreach (var entry in _index.Entries)
            {
                var vector = new float[FeatureDimension];
                if (!reader.TryReadFeatures(entry, FeatureDimension, Schema.Classes.Count, vector))
                {
                    damaged.Add(entry.Id);
                    continue;
                }

                features.Add(vector);
                labels.Add(entry.ClassIndex);
                ids.Add(entry.Id);
                parts.Add(entry.PartOf ?? entry.Id);
            }

            foreach (var id in damaged)
            {
                _index.Remove(id);
            }

            var flat = new float[features.Count * FeatureDimension];
            for (var i = 0; i < features.Count; i++)
            {
                features[i].CopyTo(flat, i * FeatureDimension);
            }

            return new SampleSet(Schema.Classes, FeatureDimension, flat, [.. labels], [.. ids]) { Parts = [.. parts] };
        }
    }

    /// <summary>The feature vector of sample <paramref name="id"/>, or null when there is no such live sample.</summary>
    /// <param name="id">A sample id.</param>
    public float[]? ReadFeatures(long id)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_index.TryGet(id, out var entry))
            {
                return null;
            }

            using var reader = new SegmentReader(_segments);
            var vector = new float[FeatureDimension];
            if (reader.TryReadFeatures(entry, FeatureDimension, Schema.Classes.Count, vector))
            {
                return vector;
            }

            _index.Remove(id);
            return null;
        }
    }

    /// <summary>The audit JPEG of sample <paramref name="id"/>, or null when it has none or there is no such live sample.</summary>
    /// <param name="id">A sample id.</param>
    public byte[]? ReadJpeg(long id)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_index.TryGet(id, out var entry) || entry.JpegLength == 0)
            {
                return null;
            }

            using var reader = new SegmentReader(_segments);
            var record = reader.ReadIntact(entry);
            if (record is null)
            {
                _index.Remove(id);
                return null;
            }

            return record.AsSpan(entry.RecordBytes - entry.JpegLength).ToArray();
        }
    }

    /// <summary>Removes sample <paramref name="id"/> (a tombstone is appended and fsync'ed).</summary>
    /// <param name="id">A sample id.</param>
    /// <returns>Whether a live sample was removed.</returns>
    public bool Delete(long id)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_index.Contains(id))
            {
                return false;
            }

            _segments.Append([SampleRecordCodec.EncodeRemove(id, _time.GetUtcNow().ToUnixTimeMilliseconds(), RemoveReason.Deleted)]);
            _index.Remove(id);
            _compactor.CompactIfWorthIt();
            return true;
        }
    }

    /// <summary>
    /// Gives sample <paramref name="id"/> another label (a relabel record is appended and fsync'ed). If the new
    /// class is then over its limit, its oldest sample is evicted, which may be this one.
    /// </summary>
    /// <param name="id">A sample id.</param>
    /// <param name="label">The new class name.</param>
    /// <returns>Whether a live sample was relabelled.</returns>
    /// <exception cref="InvalidSettingException">The label is not a class of the store.</exception>
    public bool Relabel(long id, string label)
    {
        var classIndex = ResolveLabel(label);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_index.TryGet(id, out var entry))
            {
                return false;
            }

            if (entry.ClassIndex == classIndex)
            {
                return true;
            }

            _segments.Append([SampleRecordCodec.EncodeRelabel(id, _time.GetUtcNow().ToUnixTimeMilliseconds(), classIndex)]);
            _index.Relabel(entry, classIndex);
            EnforceLimits(classIndex);
            return true;
        }
    }

    /// <summary>
    /// Copies the live samples into new segment files (each written to a temporary file, fsync'ed and renamed)
    /// and then deletes the old segments, reclaiming removed samples and skipped damage. Runs by itself when
    /// removed samples take more than a quarter of <see cref="SampleStoreOptions.MaxTotalBytes"/>.
    /// </summary>
    /// <exception cref="SampleStoreException">The disk refused a write; the old segments are kept and nothing is lost.</exception>
    public void Compact()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _compactor.Compact();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _segments.Dispose();
            _lock.Dispose();
        }
    }

    private int ResolveLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (_classIndex.TryGetValue(label, out var index))
        {
            return index;
        }

        throw new InvalidSettingException("label", $"\"{label}\" is not a class of this bundle{NameSuggestions.DidYouMean(label, Schema.Classes)}; the classes are {string.Join(", ", Schema.Classes)}.");
    }

    // Applies the limits to what is stored (after open, when the limits may have been lowered, or after a relabel).
    private void EnforceLimits(int? classIndex)
    {
        var evictions = _index.PlanLimits(classIndex);
        if (evictions.Count == 0)
        {
            return;
        }

        var time = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _segments.Append([.. evictions.Select(e => SampleRecordCodec.EncodeRemove(e.Id, time, e.Reason))]);
        foreach (var (id, _) in evictions)
        {
            _index.Remove(id);
            _evicted++;
        }

        _compactor.CompactIfWorthIt();
    }
}
