using System.Globalization;
using System.Runtime.InteropServices;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Benchmarks.Backbone;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Inspection;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Training;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Benchmarks.Numerics;

/// <summary>
/// <c>edgetransfer bench numerics</c>: INT8 features a device computed (e.g. the linux-arm64 package under
/// qemu, whose ONNX Runtime runs the arm64 int8 kernels) against the host's float and INT8 features of the
/// same images — cosine per image, and the test accuracy of one linear head per feature source, trained
/// the same way (the SDK's ORT training graphs, seeded).
/// </summary>
/// <remarks>
/// A store's frames are the replayed images in the folder's order (frame ids count from 1; the replay does
/// not loop), so frame <c>k</c> is image <c>k</c>; the stored label must be that image's class folder,
/// which catches a store that was collected from another folder or order.
/// </remarks>
public static class NumericsBenchmark
{
    /// <summary>Runs the comparison.</summary>
    /// <param name="options">What to compare.</param>
    /// <param name="log">Progress lines; may be null.</param>
    /// <returns>The figures.</returns>
    /// <exception cref="InvalidSettingException">A store does not match the data folder (named in the message).</exception>
    /// <exception cref="EdgeTransferException">The bundle, a store or the images cannot be read.</exception>
    public static NumericsReport Run(NumericsBenchmarkOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Stores.Count == 0)
        {
            throw new InvalidSettingException("--store", "give at least one store of device features (name=directory).");
        }

        log ??= _ => { };
        var machine = MachineInfo.Detect();
        var train = ImageFolderDataset.Open(Path.Combine(options.DataDirectory, "train"));
        var test = ImageFolderDataset.Open(Path.Combine(options.DataDirectory, "test"));
        var floatBundle = DeviceBundle.Open(options.BundlePath, BackboneChoice.FullPrecision);
        var int8Bundle = DeviceBundle.Open(options.BundlePath, BackboneChoice.Quantized);
        var classes = floatBundle.Classes;

        log($"host       float and int8 features of {train.Entries.Count} train + {test.Entries.Count} test images …");
        var hostFloat = (Train: HostFeatures(floatBundle, train, options.Threads), Test: HostFeatures(floatBundle, test, options.Threads));
        var hostInt8 = (Train: HostFeatures(int8Bundle, train, options.Threads), Test: HostFeatures(int8Bundle, test, options.Threads));
        var sources = new List<(string Name, float[][] Train, float[][] Test)>
        {
            ("host float (x64)", hostFloat.Train, hostFloat.Test),
            ("host int8 (x64)", hostInt8.Train, hostInt8.Test),
        };
        foreach (var store in options.Stores)
        {
            log($"store      {store.Name}: {store.Directory}");
            sources.Add((store.Name, StoreFeatures(store, "train", train, int8Bundle), StoreFeatures(store, "test", test, int8Bundle)));
        }

        var trainLabels = Labels(train, classes);
        var testLabels = Labels(test, classes);
        var results = new List<FeatureSourceResult>();
        foreach (var (name, trainFeatures, testFeatures) in sources)
        {
            log($"head       {name}: {options.HeadEpochs} epochs …");
            var (accuracy, loss) = LinearHeadProbe.TrainAndEvaluate(
                ToSet(trainFeatures, trainLabels), ToSet(testFeatures, testLabels), classes.Count, options.HeadEpochs, options.HeadLearningRate, options.Seed);
            results.Add(new FeatureSourceResult(name, Agreement(testFeatures, hostFloat.Test), Agreement(testFeatures, hostInt8.Test), accuracy, loss));
        }

        return new NumericsReport(machine, floatBundle.BundleId, floatBundle.Manifest.Quantization?.ActivationType, train.Entries.Count, test.Entries.Count, options, results);
    }

    private static float[][] HostFeatures(DeviceBundle bundle, ImageFolderDataset dataset, int threads)
    {
        using var pipeline = new InspectionPipeline(bundle, new VerdictPolicy(bundle.Classes), new BackboneOptions { IntraOpThreads = threads });
        var features = new List<float[]>(dataset.Entries.Count);
        var pixels = Array.Empty<byte>();
        long id = 0;
        foreach (var item in dataset.ReadImages(new HardenedImageDecoder()))
        {
            using (item)
            {
                var length = item.Image.Width * item.Image.Height * 3;
                if (pixels.Length < length)
                {
                    pixels = new byte[length];
                }

                item.Image.CopyPixelDataTo(MemoryMarshal.Cast<byte, Rgb24>(pixels.AsSpan(0, length)));
                pipeline.Inspect(new Frame(++id, DateTimeOffset.UtcNow, item.Image.Width, item.Image.Height, pixels.AsMemory(0, length), item.Entry.ClassName, "numerics", item.Entry.Path));
                features.Add(pipeline.GetLastFrame()!.Features);
            }
        }

        if (features.Count != dataset.Entries.Count)
        {
            throw new InvalidSettingException("--data", $"{dataset.Entries.Count - features.Count} image(s) of '{dataset.Directory}' could not be decoded; the stores' frame order would not match.");
        }

        return [.. features];
    }

    private static float[][] StoreFeatures(FeatureStoreSource source, string split, ImageFolderDataset dataset, DeviceBundle bundle)
    {
        var samplesPath = Path.Combine(source.Directory, split, "samples");
        if (!System.IO.Directory.Exists(samplesPath))
        {
            throw new InvalidSettingException("--store", $"{source.Name}: '{samplesPath}' does not exist; collect the {split}/ images into '{Path.Combine(source.Directory, split)}' first.");
        }

        using var store = SampleStore.Open(samplesPath, SampleStoreSchema.FromManifest(bundle.Manifest, BundleRoles.BackboneInt8));
        var features = new float[dataset.Entries.Count][];
        foreach (var sample in store.Enumerate())
        {
            var frame = long.Parse(sample.FrameId, CultureInfo.InvariantCulture);
            if (frame < 1 || frame > dataset.Entries.Count || dataset.Entries[(int)frame - 1].ClassName != sample.Label)
            {
                throw new InvalidSettingException("--store", $"{source.Name}: {split} sample of frame {frame} is labelled '{sample.Label}', which is not image {frame} of '{dataset.Directory}'; collect that folder again with a non-looping replay.");
            }

            features[frame - 1] = store.ReadFeatures(sample.Id)!;
        }

        var missing = Array.FindIndex(features, f => f is null);
        if (missing >= 0)
        {
            throw new InvalidSettingException("--store", $"{source.Name}: the {split} store has no features of image {missing + 1} ('{dataset.Entries[missing].Path}'); it holds {store.Count} of {dataset.Entries.Count} images.");
        }

        return features;
    }

    private static long[] Labels(ImageFolderDataset dataset, IReadOnlyList<string> classes) =>
        [.. dataset.Entries.Select(e => (long)IndexOf(classes, e.ClassName!))];

    private static int IndexOf(IReadOnlyList<string> classes, string name)
    {
        for (var i = 0; i < classes.Count; i++)
        {
            if (classes[i] == name)
            {
                return i;
            }
        }

        throw new InvalidSettingException("--data", $"class folder '{name}' is not a class of the bundle ({string.Join(", ", classes)}).");
    }

    private static FeatureSet ToSet(float[][] rows, long[] labels)
    {
        var d = rows[0].Length;
        var flat = new float[rows.Length * d];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i].CopyTo(flat, i * d);
        }

        return new FeatureSet(flat, labels, d);
    }

    private static FeatureAgreementFigures Agreement(float[][] a, float[][] b)
    {
        double sum = 0, min = double.MaxValue;
        for (var i = 0; i < a.Length; i++)
        {
            var c = FeatureAgreement.Cosine(a[i], b[i]);
            sum += c;
            min = Math.Min(min, c);
        }

        return new FeatureAgreementFigures(sum / a.Length, min);
    }
}
