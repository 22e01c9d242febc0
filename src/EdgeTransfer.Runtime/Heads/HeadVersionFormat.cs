using System.Globalization;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Runtime.Versioning;

namespace EdgeTransfer.Runtime.Heads;

/// <summary>
/// What the <see cref="HeadRegistry"/> keeps: head checkpoints (<c>v0003.etck</c>), their version under
/// <c>headVersion</c> and the validation metrics they were promoted with under <c>metrics.*</c>.
/// </summary>
internal sealed class HeadVersionFormat : VersionFormat<HeadCheckpoint, HeadVersion>
{
    private const string KeyAccuracy = "metrics.validationAccuracy";
    private const string KeyValidation = "metrics.validationSamples";
    private const string KeyTraining = "metrics.trainingSamples";
    private const string KeyClassCount = "metrics.classes";

    private static readonly RegistryWording HeadWording = new(
        "head",
        "it holds no head yet, so there is nothing to roll back.",
        "is the first head of this bundle; there is no earlier head to roll back to.",
        "and no intact version is left; the registry starts empty.");

    private HeadVersionFormat()
    {
    }

    public static HeadVersionFormat Instance { get; } = new();

    public override char Prefix => 'v';

    public override string Extension => CheckpointFile.Extension;

    public override string VersionKey => "headVersion";

    public override string RecordedPrefix => "metrics.";

    public override RegistryWording Wording => HeadWording;

    /// <summary>The metadata keys that record <paramref name="metrics"/> (none for null).</summary>
    public static Dictionary<string, string> MetricsMetadata(HeadMetrics? metrics)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metrics is null)
        {
            return metadata;
        }

        metadata[KeyAccuracy] = metrics.ValidationAccuracy.ToString("R", CultureInfo.InvariantCulture);
        metadata[KeyValidation] = metrics.ValidationSamples.ToString(CultureInfo.InvariantCulture);
        metadata[KeyTraining] = metrics.TrainingSamples.ToString(CultureInfo.InvariantCulture);
        metadata[KeyClassCount] = metrics.PerClass.Count.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < metrics.PerClass.Count; i++)
        {
            metadata[$"metrics.class.{i}.name"] = metrics.PerClass[i].Name;
            metadata[$"metrics.class.{i}.accuracy"] = metrics.PerClass[i].Accuracy.ToString("R", CultureInfo.InvariantCulture);
            metadata[$"metrics.class.{i}.samples"] = metrics.PerClass[i].Samples.ToString(CultureInfo.InvariantCulture);
        }

        return metadata;
    }

    public override HeadCheckpoint Read(string path, string directory) => CheckpointFile.Read(path, directory);

    public override string? DamageReason(Exception error) => error is CheckpointException checkpoint ? checkpoint.Reason : null;

    public override void Write(string path, HeadCheckpoint content) => CheckpointFile.Write(path, content);

    public override IReadOnlyDictionary<string, string> MetadataOf(HeadCheckpoint content) => content.Metadata;

    public override HeadCheckpoint WithMetadata(HeadCheckpoint content, Dictionary<string, string> metadata) =>
        new(content.Parameters, content.OptimizerState, content.Step, metadata);

    public override HeadVersion CreateVersion(RegistryEntry entry, HeadCheckpoint content) => new()
    {
        Number = entry.Number,
        Path = entry.Path,
        CreatedAt = entry.CreatedAt,
        Source = Enum.Parse<HeadSource>(entry.Source, ignoreCase: true),
        Previous = entry.Previous,
        RestoredFrom = entry.RestoredFrom,
        Metrics = ReadMetrics(content.Metadata),
    };

    public override IReadOnlyDictionary<string, string> Recorded(HeadVersion version) => MetricsMetadata(version.Metrics);

    public override Exception Error(string directory, string reason, Exception? innerException = null) =>
        new HeadRegistryException(directory, reason, innerException);

    private static HeadMetrics? ReadMetrics(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue(KeyAccuracy, out var accuracy))
        {
            return null;
        }

        var classes = int.Parse(metadata[KeyClassCount], CultureInfo.InvariantCulture);
        var perClass = new List<ClassMetrics>(classes);
        for (var i = 0; i < classes; i++)
        {
            perClass.Add(new ClassMetrics(
                metadata[$"metrics.class.{i}.name"],
                double.Parse(metadata[$"metrics.class.{i}.accuracy"], CultureInfo.InvariantCulture),
                int.Parse(metadata[$"metrics.class.{i}.samples"], CultureInfo.InvariantCulture)));
        }

        return new HeadMetrics(
            double.Parse(accuracy, CultureInfo.InvariantCulture),
            int.Parse(metadata[KeyValidation], CultureInfo.InvariantCulture),
            int.Parse(metadata[KeyTraining], CultureInfo.InvariantCulture),
            perClass);
    }
}
