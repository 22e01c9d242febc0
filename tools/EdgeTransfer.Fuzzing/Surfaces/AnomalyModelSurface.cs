using EdgeTransfer.Fuzzing.Mutation;
using EdgeTransfer.Runtime.Anomaly;

namespace EdgeTransfer.Fuzzing.Surfaces;

/// <summary>Anomaly models (<c>.etam</c>) through the reader the device loads its model with.</summary>
public sealed class AnomalyModelSurface : FuzzSurface
{
    private readonly string _file;

    /// <summary>Creates the surface with two small valid models (with and without a projection) as seeds.</summary>
    public AnomalyModelSurface()
        : base("anomaly")
    {
        _file = Path.Combine(ScratchDirectory, "model" + AnomalyModelFile.Extension);
        var layout = new FeatureLayout(new FeatureMapShape(4, 4, 4), new FeatureMapShape(8, 2, 2));
        var threshold = new AnomalyThreshold(1.5f, 0.01, 20);
        var metadata = new Dictionary<string, string> { ["trainSamples"] = "10", ["bundleId"] = "resnet18-3c-20261126T031500Z" };
        var random = new Random(7);
        float[] Rows(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)random.NextDouble())];
        var projection = new RandomProjection(layout.EmbeddingDimensions, 6, 7UL);
        Seeds =
        [
            Written(new AnomalyModel(layout, projection, new MemoryBank(Rows(10 * 6), 6), threshold, metadata)),
            Written(new AnomalyModel(layout, null, new MemoryBank(Rows(5 * layout.EmbeddingDimensions), layout.EmbeddingDimensions), threshold)),
        ];
    }

    /// <inheritdoc />
    public override string Name => "anomaly";

    /// <inheritdoc />
    public override IReadOnlyList<byte[]> Seeds { get; }

    /// <inheritdoc />
    public override byte[] Mutate(byte[] seed, Random random) => CheckpointMutations.Mutate(seed, random);

    /// <inheritdoc />
    public override void Exercise(byte[] input)
    {
        File.WriteAllBytes(_file, input);
        _ = AnomalyModelFile.Read(_file);
    }

    /// <inheritdoc />
    public override bool NamesInput(string message) => message is not null && message.Contains(_file, StringComparison.Ordinal);


    private byte[] Written(AnomalyModel model)
    {
        AnomalyModelFile.Write(_file, model);
        return File.ReadAllBytes(_file);
    }
}
