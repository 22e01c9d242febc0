using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Synthetic;

namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>
/// The train and test images of a backbone benchmark, decoded and preprocessed on demand (a 224² float
/// image is 600 KB; only features are kept). Test labels are mapped to the train split's class indices by name.
/// </summary>
internal sealed class BenchmarkImages
{
    private readonly HardenedImageDecoder _decoder = new();
    private readonly ImagePreprocessor _preprocessor;
    private readonly Dictionary<string, int> _classIndex;

    private BenchmarkImages(string description, ImageFolderDataset train, ImageFolderDataset test, ImagePreprocessor preprocessor)
    {
        Description = description;
        Train = train;
        Test = test;
        _preprocessor = preprocessor;
        Classes = train.ClassNames;
        _classIndex = Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var missing = test.ClassNames.Where(c => !Classes.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidSettingException("--data", $"the test split has classes the train split lacks ({string.Join(", ", missing)}); both need the same class folders.");
        }
    }

    public string Description { get; }

    public ImageFolderDataset Train { get; }

    public ImageFolderDataset Test { get; }

    public IReadOnlyList<string> Classes { get; }

    public int ValuesPerImage => _preprocessor.ValuesPerImage;

    public int Skipped { get; private set; }

    public static BenchmarkImages Open(BackboneBenchmarkOptions options, ImagePreprocessor preprocessor, WorkDirectory work, Action<string> log)
    {
        string root;
        string description;
        if (options.DataDirectory is { } data)
        {
            root = data;
            description = Path.GetFullPath(data);
        }
        else
        {
            root = work.Combine("data");
            log($"data       generating synthetic parts ({string.Join(",", options.SyntheticClasses)} × {options.SyntheticTrainPerClass} train / {options.SyntheticTestPerClass} test, {options.SyntheticSize} px, seed {options.Seed}) …");
            SyntheticDataset.WriteSplit(root, options.SyntheticClasses, options.SyntheticTrainPerClass, options.SyntheticTestPerClass, options.SyntheticSize, options.Seed);
            description = $"synthetic parts, {options.SyntheticSize} px, seed {options.Seed}";
        }

        var train = OpenSplit(root, SyntheticDataset.TrainFolder);
        var test = OpenSplit(root, SyntheticDataset.TestFolder);
        return new BenchmarkImages(description, train, test, preprocessor);
    }

    /// <summary>
    /// <paramref name="count"/> train entries spread evenly over the (class-sorted) list, so every class is
    /// represented; never a test image: calibrating on the images we measure on would flatter int8.
    /// </summary>
    public IReadOnlyList<ImageFolderEntry> CalibrationEntries(int count)
    {
        var entries = Train.Entries;
        if (count >= entries.Count)
        {
            return entries;
        }

        return [.. Enumerable.Range(0, count).Select(i => entries[(int)((long)i * entries.Count / count)])];
    }

    /// <summary>The label of <paramref name="entry"/> as a train-split class index.</summary>
    public long Label(ImageFolderEntry entry) =>
        entry.ClassName is { } name ? _classIndex[name] : throw new InvalidSettingException("--data", $"'{entry.Path}' has no class folder.");

    /// <summary>
    /// Decodes and preprocesses <paramref name="entries"/> in batches of at most <paramref name="batchSize"/>
    /// into <paramref name="buffer"/> ([batch, C, H, W]); undecodable files are skipped and counted. The
    /// buffer is reused: consume each batch before asking for the next.
    /// </summary>
    public IEnumerable<(int Count, IReadOnlyList<ImageFolderEntry> Entries)> Batches(IReadOnlyList<ImageFolderEntry> entries, int batchSize, float[] buffer)
    {
        var batch = new List<ImageFolderEntry>(batchSize);
        foreach (var entry in entries)
        {
            if (!TryPreprocess(entry, buffer.AsSpan(batch.Count * ValuesPerImage, ValuesPerImage)))
            {
                continue;
            }

            batch.Add(entry);
            if (batch.Count == batchSize)
            {
                yield return (batch.Count, batch.ToArray());
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            yield return (batch.Count, batch.ToArray());
        }
    }

    private bool TryPreprocess(ImageFolderEntry entry, Span<float> destination)
    {
        try
        {
            using var image = _decoder.DecodeFile(entry.Path);
            _preprocessor.Preprocess(image, destination);
            return true;
        }
        catch (ImageDecodeException)
        {
            // The same rule as everywhere in the SDK: a bad image costs that image, not the run.
            Skipped++;
            return false;
        }
    }

    private static ImageFolderDataset OpenSplit(string root, string split)
    {
        var path = Path.Combine(root, split);
        if (!Directory.Exists(path))
        {
            throw new InvalidSettingException("--data", $"'{root}' has no {split}/ folder; the backbone benchmark needs {SyntheticDataset.TrainFolder}/ and {SyntheticDataset.TestFolder}/ ImageFolder trees (<split>/<class>/*.png).");
        }

        var dataset = ImageFolderDataset.Open(path);
        if (dataset.IsFlat || dataset.ClassNames.Count < 2)
        {
            throw new InvalidSettingException("--data", $"'{path}' needs at least two class folders (<class>/*.png); it has {dataset.ClassNames.Count}.");
        }

        return dataset;
    }
}
