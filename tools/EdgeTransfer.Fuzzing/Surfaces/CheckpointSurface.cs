using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Fuzzing.Mutation;
using EdgeTransfer.Runtime.Heads;

namespace EdgeTransfer.Fuzzing.Surfaces;

/// <summary>
/// Head checkpoints through the head registry a device opens at start: a registry holds v0001 (the bundle's
/// head) and a promoted v0002 with metrics; each input takes v0002's place, the registry is opened and the head
/// in service read. v0001 must stay intact whatever v0002 holds.
/// </summary>
public sealed class CheckpointSurface : FuzzSurface
{
    private readonly string _heads;
    private readonly string _bundleId;
    private readonly string _candidate;
    private readonly byte[] _pointer;
    private readonly HashSet<string> _baseline;

    /// <summary>Creates the registry and takes the promoted head as seed.</summary>
    public CheckpointSurface()
        : base("checkpoints")
    {
        _bundleId = SeedBundle.Write(Path.Combine(ScratchDirectory, "bundle")).BundleId;
        _heads = Path.Combine(ScratchDirectory, "heads");
        var initial = SeedBundle.Checkpoint();
        using (var registry = HeadRegistry.Open(_heads, _bundleId))
        {
            registry.Initialize(initial);
            var metrics = new HeadMetrics(0.9, 30, 120, [new ClassMetrics("good", 0.95, 10), new ClassMetrics("scratch", 0.9, 10), new ClassMetrics("dent", 0.85, 10)]);
            registry.Promote(initial, metrics);
        }

        _candidate = Path.Combine(_heads, HeadRegistry.VersionName(2) + CheckpointFile.Extension);
        _pointer = File.ReadAllBytes(Path.Combine(_heads, HeadRegistry.PointerFileName));
        _baseline = [.. Directory.EnumerateFileSystemEntries(_heads)];
        Seeds = [File.ReadAllBytes(_candidate)];
        StoredFiles = [Path.Combine(_heads, HeadRegistry.VersionName(1) + CheckpointFile.Extension)];
    }

    /// <inheritdoc />
    public override string Name => "checkpoints";

    /// <inheritdoc />
    public override IReadOnlyList<byte[]> Seeds { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> StoredFiles { get; }

    /// <inheritdoc />
    public override byte[] Mutate(byte[] seed, Random random) => CheckpointMutations.Mutate(seed, random);

    /// <inheritdoc />
    public override void Exercise(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Restore();
        File.WriteAllBytes(_candidate, input);
        try
        {
            _ = CheckpointFile.Read(input, _candidate);
        }
        finally
        {
            // The registry must cope with the file whether or not the reader took it: a device meets it at start.
            using var registry = HeadRegistry.Open(_heads, _bundleId);
            _ = registry.ReadCurrent();
        }
    }

    /// <inheritdoc />
    public override bool NamesInput(string message) => message is not null && message.Contains(_heads, StringComparison.Ordinal);


    private void Restore()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(_heads).Where(e => !_baseline.Contains(e)))
        {
            File.Delete(entry);
        }

        File.WriteAllBytes(Path.Combine(_heads, HeadRegistry.PointerFileName), _pointer);
    }
}
