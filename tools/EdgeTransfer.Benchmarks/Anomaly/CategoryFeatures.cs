using System.Diagnostics;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Imaging.Datasets;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Runtime.Features;

namespace EdgeTransfer.Benchmarks.Anomaly;

/// <summary>One test image's feature maps, its label and its ground-truth mask at the model input's size.</summary>
/// <param name="Features">The feature maps from the backbone.</param>
/// <param name="DefectKind">The defect folder, or <c>good</c>.</param>
/// <param name="Mask">One value per input pixel, row-major: true where the part is defective.</param>
internal sealed record TestFrame(AnomalyFeatures Features, string DefectKind, bool[] Mask)
{
    public bool IsDefect => DefectKind != MvtecCategory.Good;
}

/// <summary>
/// The feature maps of one category's images from one backbone run per image (batch 1, as on the device),
/// with the backbone's time per frame measured on the same frames.
/// </summary>
internal sealed class CategoryFeatures
{
    private CategoryFeatures(IReadOnlyList<AnomalyFeatures> train, IReadOnlyList<TestFrame> test, IReadOnlyList<double> backboneMs)
    {
        Train = train;
        Test = test;
        BackboneMs = backboneMs;
    }

    /// <summary>The good training images' maps, in the category's order.</summary>
    public IReadOnlyList<AnomalyFeatures> Train { get; }

    /// <summary>The test images.</summary>
    public IReadOnlyList<TestFrame> Test { get; }

    /// <summary>Milliseconds of each backbone run (one per image).</summary>
    public IReadOnlyList<double> BackboneMs { get; }

    /// <summary>Runs the backbone over the first <paramref name="maxTrain"/> training images and every test image.</summary>
    /// <param name="category">The category.</param>
    /// <param name="session">A session with the two patch layers bound.</param>
    /// <param name="preprocessor">The bundle's preprocessor.</param>
    /// <param name="maxTrain">How many training images are needed at most.</param>
    /// <param name="cancellationToken">Stops between images.</param>
    public static CategoryFeatures Extract(MvtecCategory category, BackboneSession session, ImagePreprocessor preprocessor, int maxTrain, CancellationToken cancellationToken)
    {
        var (fine, coarse) = StageLayers(session.PatchLayers);
        var input = preprocessor.Input;
        if (input.Height != input.Width)
        {
            throw new EdgeTransferException($"The anomaly benchmark needs a square model input for the masks (MVTec masks are read square); this bundle's input is {input.Width}×{input.Height}.");
        }

        var decoder = new HardenedImageDecoder();
        var times = new List<double>();
        var train = new List<AnomalyFeatures>();
        foreach (var sample in category.ReadTrainGood(decoder))
        {
            using (sample)
            {
                cancellationToken.ThrowIfCancellationRequested();
                train.Add(Run(session, preprocessor, sample, fine, coarse, times));
            }

            if (train.Count >= maxTrain)
            {
                break;
            }
        }

        var test = new List<TestFrame>();
        foreach (var sample in category.ReadTest(decoder, input.Height))
        {
            using (sample)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var features = Run(session, preprocessor, sample, fine, coarse, times);
                var mask = sample.Mask.Span;
                var truth = new bool[mask.Length];
                for (var i = 0; i < truth.Length; i++)
                {
                    truth[i] = mask[i] != 0;
                }

                test.Add(new TestFrame(features, sample.Entry.DefectKind, truth));
            }
        }

        return new CategoryFeatures(train, test, times);
    }

    // The anomaly model reads a finer map (its grid is the patch grid) and a coarser one; the manifest
    // lists them in graph order, so the stride decides which is which.
    private static (int Fine, int Coarse) StageLayers(IReadOnlyList<PatchLayerInfo> layers)
    {
        if (layers.Count != 2)
        {
            throw new EdgeTransferException($"The anomaly model reads two patch layers (stage 2 and stage 3); this bundle has {layers.Count} ({string.Join(", ", layers.Select(l => l.Name))}). Prepare it with the default --patch-layers.");
        }

        return layers[0].Stride <= layers[1].Stride ? (0, 1) : (1, 0);
    }

    private static AnomalyFeatures Run(BackboneSession session, ImagePreprocessor preprocessor, MvtecSample sample, int fine, int coarse, List<double> times)
    {
        preprocessor.Preprocess(sample.Image, session.Input);
        var start = Stopwatch.GetTimestamp();
        session.Run();
        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return new AnomalyFeatures(Map(session, fine), Map(session, coarse));
    }

    private static FeatureMap Map(BackboneSession session, int layer)
    {
        var info = session.PatchLayers[layer];
        return new FeatureMap(session.PatchMap(layer).ToArray(), new FeatureMapShape(info.Channels, info.Height, info.Width));
    }
}
