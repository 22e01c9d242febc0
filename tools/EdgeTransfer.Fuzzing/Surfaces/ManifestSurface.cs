using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Fuzzing.Mutation;

namespace EdgeTransfer.Fuzzing.Surfaces;

/// <summary>
/// <c>manifest.json</c> through the bundle reader a device opens a bundle with: the mutated manifest is put
/// in a complete bundle folder and the bundle opened (manifest, listed files, sizes, digests, checkpoint, mean image).
/// </summary>
public sealed class ManifestSurface : FuzzSurface
{
    private readonly string _bundle;
    private readonly string _manifest;

    /// <summary>Creates the surface with the seed bundle's manifest as seed.</summary>
    public ManifestSurface()
        : base("manifests")
    {
        _bundle = Path.Combine(ScratchDirectory, "bundle");
        SeedBundle.Write(_bundle);
        _manifest = Path.Combine(_bundle, BundleManifest.FileName);
        Seeds = [File.ReadAllBytes(_manifest)];
        StoredFiles = [.. Directory.EnumerateFiles(_bundle).Where(f => f != _manifest)];
    }

    /// <inheritdoc />
    public override string Name => "manifests";

    /// <inheritdoc />
    public override IReadOnlyList<byte[]> Seeds { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> StoredFiles { get; }

    /// <inheritdoc />
    public override byte[] Mutate(byte[] seed, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.Next(5) == 0 ? ByteMutations.Mutate(seed, random) : JsonMutations.Mutate(seed, random);
    }

    /// <inheritdoc />
    public override void Exercise(byte[] input)
    {
        File.WriteAllBytes(_manifest, input);
        var bundle = BundleReader.Open(_bundle);
        _ = bundle.ReadCheckpoint();
        _ = bundle.ReadMeanImage();
    }

    /// <inheritdoc />
    public override bool NamesInput(string message) => message is not null && message.Contains(_bundle, StringComparison.Ordinal);

}
