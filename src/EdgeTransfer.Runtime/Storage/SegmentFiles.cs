using System.Globalization;
using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// The segment files of a store directory (<c>seg-000001.ets</c> …): loading them on open, appending records
/// to the active one with fsync, writing whole new ones for compaction, and the damage found on the way.
/// </summary>
/// <remarks>
/// A damaged file is never written again: appends continue in the last segment only if it is whole, and after
/// a failed write the active file is closed so that the next append starts a new one. Not thread-safe:
/// <see cref="SampleStore"/> calls it under its lock.
/// </remarks>
internal sealed class SegmentFiles : IDisposable
{
    public const string Prefix = "seg-";
    public const string Extension = ".ets";
    private const long MaxSegmentReadBytes = int.MaxValue - 64;

    private readonly long _segmentBytes;
    private readonly SortedDictionary<int, long> _sizes = [];
    private FileStream? _active;
    private int _activeNumber;
    private int _maxNumber;

    public SegmentFiles(string directory, long segmentBytes)
    {
        DirectoryPath = directory;
        _segmentBytes = segmentBytes;
    }

    public string DirectoryPath { get; }

    /// <summary>The damaged records skipped since the store was opened (a compaction drops those of the files it removes).</summary>
    public List<SkippedRecord> Skipped { get; } = [];

    /// <summary>The numbers of the segment files in use, oldest first.</summary>
    public IReadOnlyCollection<int> Numbers => _sizes.Keys;

    public long DiskBytes => _sizes.Values.Sum();

    public int Count => _sizes.Count;

    public static List<(int Number, string Path)> List(string directory) =>
        [.. Directory.EnumerateFiles(directory, Prefix + "*" + Extension)
            .Select(p => (Number: ParseNumber(Path.GetFileName(p)), Path: p))
            .Where(s => s.Number > 0)
            .OrderBy(s => s.Number)];

    /// <summary>The number of <c>seg-NNNNNN.ets</c> (6 to 9 digits), or 0 for any other name.</summary>
    public static int ParseNumber(string fileName)
    {
        if (!fileName.StartsWith(Prefix, StringComparison.Ordinal) || !fileName.EndsWith(Extension, StringComparison.Ordinal))
        {
            return 0;
        }

        var digits = fileName[Prefix.Length..^Extension.Length];
        return digits.Length is >= 6 and <= 9 && digits.All(char.IsAsciiDigit) ? int.Parse(digits, CultureInfo.InvariantCulture) : 0;
    }

    public string PathOf(int number) => Path.Combine(DirectoryPath, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{number:D6}{Extension}"));

    /// <summary>
    /// Reads every segment, oldest first, handing each intact record to <paramref name="apply"/> with its segment
    /// number; damage is added to <see cref="Skipped"/>. Leaves the last segment open for appends if it is whole.
    /// </summary>
    public void Load(int featureDimension, int classCount, Action<int, ScannedRecord> apply)
    {
        // Temporary files are a compaction that did not finish: the old segments are still complete.
        foreach (var temp in Directory.EnumerateFiles(DirectoryPath, "*" + AtomicFile.TempSuffix))
        {
            File.Delete(temp);
        }

        var segments = List(DirectoryPath);
        var lastClean = false;
        foreach (var (number, path) in segments)
        {
            var name = Path.GetFileName(path);
            _maxNumber = number;
            if (BoundedFile.LinkProblem(DirectoryPath, path) is { } link)
            {
                // Skipped like a damaged segment: never read, and never appended to (appends go to a new file).
                Skipped.Add(new SkippedRecord(name, 0, 0, link, false));
                lastClean = false;
                continue;
            }

            var length = new FileInfo(path).Length;
            _sizes[number] = length;
            if (length > MaxSegmentReadBytes)
            {
                Skipped.Add(new SkippedRecord(name, 0, length, $"the file has {length} bytes, more than a segment can have; it was not read.", false));
                lastClean = false;
                continue;
            }

            var (records, damage) = SegmentScanner.Scan(File.ReadAllBytes(path), featureDimension, classCount);
            Skipped.AddRange(damage.Select(d => new SkippedRecord(name, d.Offset, d.Bytes, d.Reason, d.IsTornTail)));
            foreach (var record in records)
            {
                apply(number, record);
            }

            lastClean = damage.Count == 0;
        }

        // Appends continue in the last segment only if it is whole; after damage they start a new file, so a
        // damaged file is never written again.
        if (segments.Count > 0 && lastClean && _sizes[_maxNumber] < _segmentBytes)
        {
            OpenActive(_maxNumber);
        }
    }

    /// <summary>Appends <paramref name="records"/> to the active segment and fsyncs it.</summary>
    /// <returns>The segment and offset of the first record.</returns>
    /// <exception cref="SampleStoreException">The write failed; the active file is closed so nothing follows the damage.</exception>
    public (int Segment, long Offset) Append(IReadOnlyList<byte[]> records)
    {
        if (_active is null)
        {
            OpenActive(_maxNumber + 1);
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
            _sizes[_activeNumber] = new FileInfo(PathOf(_activeNumber)).Length;
            throw new SampleStoreException(DirectoryPath, $"a write to {Path.GetFileName(PathOf(_activeNumber))} failed ({ex.Message}); the sample was not stored. Free disk space or check the storage medium.", ex);
        }

        var number = _activeNumber;
        _sizes[number] = stream.Length;
        if (stream.Length >= _segmentBytes)
        {
            CloseActive();
        }

        return (number, offset);
    }

    /// <summary>Writes <paramref name="records"/> as a new segment (temporary file, fsync, rename).</summary>
    /// <param name="records">The records, in order.</param>
    /// <param name="offsets">Receives the offset of each record in the new file.</param>
    /// <returns>The new segment's number.</returns>
    /// <exception cref="IOException">The write failed; no new segment exists.</exception>
    public int WriteWhole(IReadOnlyList<byte[]> records, long[] offsets)
    {
        var number = _maxNumber + 1;
        _maxNumber = number;
        AtomicFile.Write(PathOf(number), stream =>
        {
            for (var i = 0; i < records.Count; i++)
            {
                offsets[i] = stream.Position;
                stream.Write(records[i]);
            }
        });
        _sizes[number] = records.Sum(r => (long)r.Length);
        return number;
    }

    /// <summary>Deletes segment <paramref name="number"/> if it can and stops counting it.</summary>
    public void Delete(int number)
    {
        try
        {
            File.Delete(PathOf(number));
        }
        catch (IOException)
        {
            // A leftover old segment only holds copies; the next compaction removes it.
        }

        _sizes.Remove(number);
    }

    public void CloseActive()
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

    public void Dispose()
    {
        _active?.Dispose();
        _active = null;
    }

    private void OpenActive(int number)
    {
        var path = PathOf(number);
        var existed = File.Exists(path);
        _active = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16);
        _activeNumber = number;
        _maxNumber = Math.Max(_maxNumber, number);
        _sizes[number] = _active.Length;
        if (!existed)
        {
            // The new file's directory entry must be on the disk too, not only its content.
            _active.Flush(flushToDisk: true);
            DirectorySync.Flush(DirectoryPath);
        }
    }
}
