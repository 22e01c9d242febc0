using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Storage;
using EdgeTransfer.Testing;
using EdgeTransfer.Training;

namespace EdgeTransfer.Runtime.Learning.Tests.Support;

/// <summary>A bundle, its head registry (the bundle's initial head in service) and a place for sample stores, in a temp directory.</summary>
internal sealed class TrainingRig : IDisposable
{
    private readonly TempDirectory _temp = new();
    private int _stores;

    public TrainingRig(int features = 16, string optimizer = "adamw")
    {
        Features = features;
        Bundle = LearningBundle.Write(_temp.Combine("bundle"), features, optimizer);
        Registry = HeadRegistry.OpenForBundle(_temp.Combine("heads"), Bundle);
    }

    public int Features { get; }

    public Bundle Bundle { get; }

    public HeadRegistry Registry { get; }

    public string Path => _temp.Path;

    /// <summary>Separable samples in a fresh store.</summary>
    public SampleSet Samples(int[] perClass, int seed = 1, double centreScale = 3, int noiseSeed = 0) =>
        Support.Samples.Fill(_temp.Combine($"store{++_stores}"), Features, perClass, seed, centreScale, noiseSeed: noiseSeed);

    public OnDeviceTrainer Trainer(OnDeviceTrainerOptions? options = null) => new(Bundle, Registry, options);

    /// <summary>The head in service, loaded into a predictor as inspection would.</summary>
    public HeadPredictor CurrentPredictor() =>
        HeadPredictor.Load(Bundle.GetPath(BundleRoles.InferenceModel), Registry.ReadCurrent());

    public void Dispose()
    {
        Registry.Dispose();
        _temp.Dispose();
    }
}
