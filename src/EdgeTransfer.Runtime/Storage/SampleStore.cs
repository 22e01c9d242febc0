using System.Globalization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Text;
using Microsoft.Win32.SafeHandles;

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
    internal const string SegmentPrefix = "seg-";
    internal const string SegmentExtension = ".ets";
    private const int MaxFrameIdBytes = 200;
    private const long MaxSegmentReadBytes = int.MaxValue - 64;

    private readonly Lock _gate = new();
    private readonly SampleStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly DirectoryLock _lock;
    private readonly Dictionary<string, int> _classIndex;
    private readonly SortedDictionary<long, Entry> _live = [];
    private readonly SortedSet<long>[] _byClass;
    private readonly List<SkippedRecord> _skipped = [];
    private readonly SortedDictionary<int, long> _segmentSizes = [];
    private FileStream? _active;
    private int _activeNumber;
    private int _maxSegmentNumber;
    private long _liveBytes;
    private long _nextId;
    private long _evicted;
    private int _compactions;
    private bool _disposed;

    private SampleStore(string directory, SampleStoreSchema schema, SampleStoreOptions options, TimeProvider time, DirectoryLock directoryLock)
    {
        DirectoryPath = directory;
        Schema = schema;
        _options = options;
        _time = time;
        _lock = directoryLock;
        _classIndex = schema.Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        _byClass = [.. schema.Classes.Select(_ => new SortedSet<long>())];
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
                return _live.Count;
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
                return Schema.Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => _byClass[p.i].Count, StringComparer.Ordinal);
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
                    CountsByClass = Schema.Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => _byClass[p.i].Count, StringComparer.Ordinal),
                    TotalSamples = _live.Count,
                    LiveBytes = _liveBytes,
                    DiskBytes = _segmentSizes.Values.Sum(),
                    Segments = _segmentSizes.Count,
                    Skipped = [.. _skipped],
                    Evicted = _evicted,
                    Compactions = _compactions,
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
        CheckSchema(schema);
        options ??= new SampleStoreOptions();
        options.Validate();
        var full = Path.GetFullPath(directory);
        var directoryLock = DirectoryLock.Acquire(full, nameof(SampleStore), (reason, ex) => new SampleStoreException(full, reason, ex));

        SampleStore? store = null;
        try
        {
            CheckOrWriteDescriptor(full, schema, timeProvider ?? TimeProvider.System);
            store = new SampleStore(full, schema, options, timeProvider ?? TimeProvider.System, directoryLock);
            store.Rebuild();
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
        if (features.Length != FeatureDimension)
        {
            throw new ArgumentException($"The sample has {features.Length} features; this store holds {FeatureDimension} per sample (the bundle's feature size).", nameof(features));
        }

        for (var i = 0; i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException($"Feature {i} of the sample is {features[i]}; a sample with NaN or infinite features would poison training and is refused.", nameof(features));
            }
        }

        CheckFrameId(frameId);
        if (jpeg.Length > _options.MaxJpegBytes)
        {
            throw new ArgumentException($"The JPEG has {jpeg.Length} bytes, more than the {_options.MaxJpegBytes} allowed (SampleStoreOptions.MaxJpegBytes).", nameof(jpeg));
        }

        if (!jpeg.IsEmpty && (jpeg.Length < 3 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[2] != 0xFF))
        {
            throw new ArgumentException("The audit image does not start with a JPEG marker (FF D8 FF); only JPEG is kept.", nameof(jpeg));
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var id = _nextId;
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

            var evictions = PlanEvictions(classIndex, 1, record.Length);
            var tombstones = evictions.Select(e => SampleRecordCodec.EncodeRemove(e.Id, time, e.Reason));
            var (segment, offset) = Append([record, .. tombstones]);
            _nextId = id + 1;
            var entry = new Entry(id, classIndex, time, frameId, segment, offset, record.Length, jpeg.Length) { PartOf = partOf };
            AddLive(entry);
            foreach (var (evictedId, _) in evictions)
            {
                RemoveLive(evictedId);
                _evicted++;
            }

            MaybeCompact();
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
            return _byClass[classIndex].Count;
        }
    }

    /// <summary>A snapshot of every live sample's metadata, oldest first.</summary>
    public IReadOnlyList<StoredSample> Enumerate()
    {
        lock (_gate)
        {
            return [.. _live.Values.Select(e => e.ToSample(Schema.Classes))];
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
            var features = new List<float[]>(_live.Count);
            var labels = new List<long>(_live.Count);
            var ids = new List<long>(_live.Count);
            var parts = new List<long>(_live.Count);
            var damaged = new List<long>();
            using var readers = new SegmentReaders(this);
            foreach (var entry in _live.Values)
            {
                var vector = new float[FeatureDimension];
                if (!TryReadFeatures(readers, entry, vector))
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
                RemoveLive(id);
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
            if (!_live.TryGetValue(id, out var entry))
            {
                return null;
            }

            using var readers = new SegmentReaders(this);
            var vector = new float[FeatureDimension];
            if (TryReadFeatures(readers, entry, vector))
            {
                return vector;
            }

            RemoveLive(id);
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
            if (!_live.TryGetValue(id, out var entry) || entry.JpegLength == 0)
            {
                return null;
            }

            using var readers = new SegmentReaders(this);
            var record = readers.ReadIntact(entry);
            if (record is null)
            {
                RemoveLive(id);
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
            if (!_live.ContainsKey(id))
            {
                return false;
            }

            Append([SampleRecordCodec.EncodeRemove(id, _time.GetUtcNow().ToUnixTimeMilliseconds(), RemoveReason.Deleted)]);
            RemoveLive(id);
            MaybeCompact();
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
            if (!_live.TryGetValue(id, out var entry))
            {
                return false;
            }

            if (entry.ClassIndex == classIndex)
            {
                return true;
            }

            Append([SampleRecordCodec.EncodeRelabel(id, _time.GetUtcNow().ToUnixTimeMilliseconds(), classIndex)]);
            _byClass[entry.ClassIndex].Remove(id);
            entry.ClassIndex = classIndex;
            _byClass[classIndex].Add(id);
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
            CompactCore();
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
            _active?.Dispose();
            _active = null;
            _lock.Dispose();
        }
    }

    private static void CheckSchema(SampleStoreSchema schema)
    {
        if (schema.FeatureDimension is < 1 or > 1 << 20)
        {
            throw new ArgumentException($"The feature size must be 1 to {1 << 20}; got {schema.FeatureDimension}.", nameof(schema));
        }

        if (schema.Classes is null || schema.Classes.Count is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentException($"A store needs 1 to {ushort.MaxValue} classes; got {schema.Classes?.Count ?? 0}.", nameof(schema));
        }

        if (schema.Classes.Any(string.IsNullOrWhiteSpace) || schema.Classes.Distinct(StringComparer.Ordinal).Count() != schema.Classes.Count)
        {
            throw new ArgumentException($"Class names must be unique and not empty; got [{string.Join(", ", schema.Classes)}].", nameof(schema));
        }
    }

    private static void CheckOrWriteDescriptor(string directory, SampleStoreSchema schema, TimeProvider time)
    {
        var path = Path.Combine(directory, StoreDescriptor.FileName);
        if (BoundedFile.LinkProblem(directory, path) is { } link)
        {
            throw new SampleStoreException(directory, $"'{path}': {link} Replace the link with the store's own {StoreDescriptor.FileName}.");
        }

        if (!File.Exists(path))
        {
            if (ListSegments(directory).Count > 0)
            {
                throw new SampleStoreException(directory, $"it has segment files but no {StoreDescriptor.FileName}, so what its samples mean is unknown. Move the directory aside to start a new store.");
            }

            StoreDescriptor.Write(path, schema, time.GetUtcNow());
            return;
        }

        var stored = StoreDescriptor.Read(path, directory);
        var sameSource = stored.FeatureSource is null || schema.FeatureSource is null
            || string.Equals(stored.FeatureSource, schema.FeatureSource, StringComparison.OrdinalIgnoreCase);
        if (stored.FeatureDimension != schema.FeatureDimension || !stored.Classes.SequenceEqual(schema.Classes, StringComparer.Ordinal) || !sameSource)
        {
            var what = stored.FeatureDimension != schema.FeatureDimension
                ? $"its samples have {stored.FeatureDimension} features, the bundle gives {schema.FeatureDimension}"
                : !stored.Classes.SequenceEqual(schema.Classes, StringComparer.Ordinal)
                    ? $"its classes are [{string.Join(", ", stored.Classes)}], the bundle's are [{string.Join(", ", schema.Classes)}]"
                    : $"its features come from backbone {Sha256.Abbreviate(stored.FeatureSource!)}, the bundle's backbone is {Sha256.Abbreviate(schema.FeatureSource!)}";
            throw new SampleStoreException(directory, $"it was created for another bundle: {what} (store: {StoreDescriptor.Describe(stored)}; bundle: {StoreDescriptor.Describe(schema)}). Its samples cannot train this head; point store.path elsewhere or move the old store aside (it is left as it is).");
        }
    }

    private static List<(int Number, string Path)> ListSegments(string directory) =>
        [.. Directory.EnumerateFiles(directory, SegmentPrefix + "*" + SegmentExtension)
            .Select(p => (Number: ParseSegmentNumber(Path.GetFileName(p)), Path: p))
            .Where(s => s.Number > 0)
            .OrderBy(s => s.Number)];

    private static int ParseSegmentNumber(string fileName)
    {
        if (!fileName.StartsWith(SegmentPrefix, StringComparison.Ordinal) || !fileName.EndsWith(SegmentExtension, StringComparison.Ordinal))
        {
            return 0;
        }

        var digits = fileName[SegmentPrefix.Length..^SegmentExtension.Length];
        return digits.Length is >= 6 and <= 9 && digits.All(char.IsAsciiDigit) ? int.Parse(digits, CultureInfo.InvariantCulture) : 0;
    }

    private static void CheckFrameId(string frameId)
    {
        ArgumentNullException.ThrowIfNull(frameId);
        if (frameId.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(frameId) > MaxFrameIdBytes || frameId.Any(char.IsControl))
        {
            throw new ArgumentException($"The frame id must be 1 to {MaxFrameIdBytes} UTF-8 bytes without control characters; got \"{frameId}\".", nameof(frameId));
        }
    }

    private string SegmentPath(int number) => Path.Combine(DirectoryPath, string.Create(CultureInfo.InvariantCulture, $"{SegmentPrefix}{number:D6}{SegmentExtension}"));

    private int ResolveLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (_classIndex.TryGetValue(label, out var index))
        {
            return index;
        }

        throw new InvalidSettingException("label", $"\"{label}\" is not a class of this bundle{NameSuggestions.DidYouMean(label, Schema.Classes)}; the classes are {string.Join(", ", Schema.Classes)}.");
    }

    private void Rebuild()
    {
        // Temporary files are a compaction that did not finish: the old segments are still complete.
        foreach (var temp in Directory.EnumerateFiles(DirectoryPath, "*" + AtomicFile.TempSuffix))
        {
            File.Delete(temp);
        }

        var segments = ListSegments(DirectoryPath);
        var lastClean = false;
        foreach (var (number, path) in segments)
        {
            var name = Path.GetFileName(path);
            _maxSegmentNumber = number;
            if (BoundedFile.LinkProblem(DirectoryPath, path) is { } link)
            {
                // Skipped like a damaged segment: never read, and never appended to (appends go to a new file).
                _skipped.Add(new SkippedRecord(name, 0, 0, link, false));
                lastClean = false;
                continue;
            }

            var length = new FileInfo(path).Length;
            _segmentSizes[number] = length;
            if (length > MaxSegmentReadBytes)
            {
                _skipped.Add(new SkippedRecord(name, 0, length, $"the file has {length} bytes, more than a segment can have; it was not read.", false));
                lastClean = false;
                continue;
            }

            var bytes = File.ReadAllBytes(path);
            var (records, damage) = SegmentScanner.Scan(bytes, FeatureDimension, Schema.Classes.Count);
            _skipped.AddRange(damage.Select(d => new SkippedRecord(name, d.Offset, d.Bytes, d.Reason, d.IsTornTail)));
            foreach (var (offset, recordBytes, record) in records)
            {
                _nextId = Math.Max(_nextId, record.Id + 1);
                switch (record.Kind)
                {
                    case RecordKind.Sample:
                        // After a compaction cut short, a sample can be in an old and a new segment: the later copy wins.
                        RemoveLive(record.Id);
                        AddLive(new Entry(record.Id, record.ClassIndex, record.TimestampMs, record.FrameId, number, offset, recordBytes, record.JpegLength) { PartOf = record.PartOf });
                        break;
                    case RecordKind.Remove:
                        RemoveLive(record.Id);
                        break;
                    case RecordKind.Relabel when _live.TryGetValue(record.Id, out var entry):
                        _byClass[entry.ClassIndex].Remove(entry.Id);
                        entry.ClassIndex = record.ClassIndex;
                        _byClass[entry.ClassIndex].Add(entry.Id);
                        break;
                }
            }

            lastClean = damage.Count == 0;
        }

        // Appends continue in the last segment only if it is whole; after damage they start a new file, so a
        // damaged file is never written again.
        if (segments.Count > 0 && lastClean && _segmentSizes[_maxSegmentNumber] < _options.SegmentBytes)
        {
            OpenActive(_maxSegmentNumber);
        }
    }

    private void OpenActive(int number)
    {
        var path = SegmentPath(number);
        var existed = File.Exists(path);
        _active = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _activeNumber = number;
        _maxSegmentNumber = Math.Max(_maxSegmentNumber, number);
        _segmentSizes[number] = _active.Length;
        if (!existed)
        {
            // The new file's directory entry must be on the disk too, not only its content.
            _active.Flush(flushToDisk: true);
            DirectorySync.Flush(DirectoryPath);
        }
    }

    private (int Segment, long Offset) Append(IReadOnlyList<byte[]> records)
    {
        if (_active is null)
        {
            OpenActive(_maxSegmentNumber + 1);
        }

        var stream = _active!;
        var offset = stream.Length;
        try
        {
            foreach (var record in records)
            {
                stream.Write(record);
            }

            // Flush(true) is fsync: the sample is on the medium before the caller is told it is stored.
            stream.Flush(flushToDisk: true);
        }
        catch (IOException ex)
        {
            // Part of a record may have reached the file; close it so that nothing more is appended after
            // the damage (the next open skips and reports it).
            CloseActive();
            _segmentSizes[_activeNumber] = new FileInfo(SegmentPath(_activeNumber)).Length;
            throw new SampleStoreException(DirectoryPath, $"a write to {Path.GetFileName(SegmentPath(_activeNumber))} failed ({ex.Message}); the sample was not stored. Free disk space or check the storage medium.", ex);
        }

        var number = _activeNumber;
        _segmentSizes[number] = stream.Length;
        if (stream.Length >= _options.SegmentBytes)
        {
            CloseActive();
        }

        return (number, offset);
    }

    private void CloseActive()
    {
        try
        {
            _active?.Dispose();
        }
        catch (IOException)
        {
            // The write error has been reported already; the handle is gone either way.
        }

        _active = null;
    }

    private List<(long Id, RemoveReason Reason)> PlanEvictions(int classIndex, int adding, long addingBytes)
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

        var bytes = _liveBytes + addingBytes - evictions.Sum(e => (long)_live[e.Id].RecordBytes);
        if (bytes > _options.MaxTotalBytes)
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

        return evictions;
    }

    // Applies the limits to what is stored (after open, when the limits may have been lowered, or after a relabel).
    private void EnforceLimits(int? classIndex)
    {
        var evictions = new List<(long Id, RemoveReason Reason)>();
        foreach (var c in classIndex is { } only ? [only] : Enumerable.Range(0, Schema.Classes.Count))
        {
            evictions.AddRange(PlanEvictions(c, 0, 0).Where(e => e.Reason == RemoveReason.EvictedPerClass));
        }

        var planned = evictions.Select(e => e.Id).ToHashSet();
        var bytes = _liveBytes - evictions.Sum(e => (long)_live[e.Id].RecordBytes);
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

        if (evictions.Count == 0)
        {
            return;
        }

        var time = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Append([.. evictions.Select(e => SampleRecordCodec.EncodeRemove(e.Id, time, e.Reason))]);
        foreach (var (id, _) in evictions)
        {
            RemoveLive(id);
            _evicted++;
        }

        MaybeCompact();
    }

    private void MaybeCompact()
    {
        var dead = _segmentSizes.Values.Sum() - _liveBytes;
        if (dead > Math.Max(_options.MaxTotalBytes / 4, _options.SegmentBytes))
        {
            CompactCore();
        }
    }

    private void CompactCore()
    {
        CloseActive();
        var oldNumbers = _segmentSizes.Keys.ToList();
        var written = new List<int>();
        var moved = new List<(Entry Entry, int Segment, long Offset)>();
        var damaged = new List<long>();
        try
        {
            using (var readers = new SegmentReaders(this))
            {
                var batch = new List<(Entry Entry, byte[] Record)>();
                long batchBytes = 0;
                foreach (var entry in _live.Values)
                {
                    var record = readers.ReadIntact(entry);
                    if (record is null)
                    {
                        damaged.Add(entry.Id);
                        continue;
                    }

                    if (record[SampleRecordCodec.HeaderBytes] == (byte)RecordKind.Sample
                        && BitConverter.ToUInt16(record, SampleRecordCodec.HeaderBytes + SampleRecordCodec.CommonPayloadBytes) != entry.ClassIndex)
                    {
                        // A relabelled sample is written with its new class, so the relabel record can go.
                        SampleRecordCodec.PatchClass(record, entry.ClassIndex);
                    }

                    batch.Add((entry, record));
                    batchBytes += record.Length;
                    if (batchBytes >= _options.SegmentBytes)
                    {
                        WriteCompacted(batch, written, moved);
                        batch.Clear();
                        batchBytes = 0;
                    }
                }

                if (batch.Count > 0)
                {
                    WriteCompacted(batch, written, moved);
                }
            }
        }
        catch (IOException ex)
        {
            // The new files are copies; the old segments are untouched and still hold everything.
            foreach (var number in written)
            {
                TryDelete(SegmentPath(number));
            }

            throw new SampleStoreException(DirectoryPath, $"compaction failed ({ex.Message}); the old segments are kept and nothing was lost.", ex);
        }

        // Every live sample is now durable in the new segments: the old ones can go, oldest first, so that a
        // crash in between never leaves a tombstone deleted while the sample it removes is still on the disk.
        foreach (var number in oldNumbers)
        {
            TryDelete(SegmentPath(number));
            _segmentSizes.Remove(number);
        }

        DirectorySync.Flush(DirectoryPath);
        foreach (var (entry, segment, offset) in moved)
        {
            entry.Segment = segment;
            entry.Offset = offset;
        }

        foreach (var id in damaged)
        {
            RemoveLive(id);
        }

        _skipped.RemoveAll(s => oldNumbers.Contains(ParseSegmentNumber(s.SegmentFile)));
        _compactions++;
    }

    private void WriteCompacted(List<(Entry Entry, byte[] Record)> batch, List<int> written, List<(Entry, int, long)> moved)
    {
        var number = _maxSegmentNumber + 1;
        _maxSegmentNumber = number;
        var offsets = new long[batch.Count];
        AtomicFile.Write(SegmentPath(number), stream =>
        {
            for (var i = 0; i < batch.Count; i++)
            {
                offsets[i] = stream.Position;
                stream.Write(batch[i].Record);
            }
        });
        written.Add(number);
        _segmentSizes[number] = batch.Sum(b => (long)b.Record.Length);
        for (var i = 0; i < batch.Count; i++)
        {
            moved.Add((batch[i].Entry, number, offsets[i]));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover old segment only holds copies; the next compaction removes it.
        }
    }

    private bool TryReadFeatures(SegmentReaders readers, Entry entry, float[] destination)
    {
        var record = readers.ReadIntact(entry);
        if (record is null)
        {
            return false;
        }

        var payload = record.AsSpan(SampleRecordCodec.HeaderBytes);
        var invalid = SampleRecordCodec.TryDecode(payload, FeatureDimension, Schema.Classes.Count, out var decoded);
        if (invalid is not null || decoded.Kind != RecordKind.Sample || decoded.Id != entry.Id)
        {
            _skipped.Add(new SkippedRecord(Path.GetFileName(SegmentPath(entry.Segment)), entry.Offset, entry.RecordBytes, $"sample {entry.Id} changed on the disk after the store was opened.", false));
            return false;
        }

        SampleRecordCodec.ReadFloats(payload[decoded.FeatureOffset..], destination);
        return true;
    }

    private void AddLive(Entry entry)
    {
        _live[entry.Id] = entry;
        _byClass[entry.ClassIndex].Add(entry.Id);
        _liveBytes += entry.RecordBytes;
    }

    private void RemoveLive(long id)
    {
        if (_live.Remove(id, out var entry))
        {
            _byClass[entry.ClassIndex].Remove(id);
            _liveBytes -= entry.RecordBytes;
        }
    }

    private sealed class Entry(long id, int classIndex, long timestampMs, string frameId, int segment, long offset, int recordBytes, int jpegLength)
    {
        public long Id { get; } = id;

        public int ClassIndex { get; set; } = classIndex;

        public long TimestampMs { get; } = timestampMs;

        public string FrameId { get; } = frameId;

        public int Segment { get; set; } = segment;

        public long Offset { get; set; } = offset;

        public int RecordBytes { get; } = recordBytes;

        public int JpegLength { get; } = jpegLength;

        public long? PartOf { get; init; }

        public StoredSample ToSample(IReadOnlyList<string> classes) =>
            new(Id, classes[ClassIndex], ClassIndex, DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs), FrameId, JpegLength, RecordBytes) { PartOf = PartOf };
    }

    // Read handles on segment files for one operation; a record that no longer verifies is reported.
    private sealed class SegmentReaders(SampleStore store) : IDisposable
    {
        private readonly Dictionary<int, SafeFileHandle> _handles = [];

        public byte[]? ReadIntact(Entry entry)
        {
            var name = Path.GetFileName(store.SegmentPath(entry.Segment));
            var record = new byte[entry.RecordBytes];
            int read;
            try
            {
                if (!_handles.TryGetValue(entry.Segment, out var handle))
                {
                    handle = File.OpenHandle(store.SegmentPath(entry.Segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    _handles[entry.Segment] = handle;
                }

                read = RandomAccess.Read(handle, record, entry.Offset);
            }
            catch (IOException ex)
            {
                store._skipped.Add(new SkippedRecord(name, entry.Offset, entry.RecordBytes, $"sample {entry.Id} cannot be read: {ex.Message}", false));
                return null;
            }

            if (read != record.Length || !SampleRecordCodec.IsIntact(record, 0, out var length) || length != record.Length)
            {
                store._skipped.Add(new SkippedRecord(name, entry.Offset, entry.RecordBytes, $"sample {entry.Id} changed on the disk after the store was opened (its CRC-32C no longer matches); it was skipped.", false));
                return null;
            }

            return record;
        }

        public void Dispose()
        {
            foreach (var handle in _handles.Values)
            {
                handle.Dispose();
            }
        }
    }
}
