using System.IO.Compression;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Fuzzing.Mutation;

namespace EdgeTransfer.Fuzzing.Surfaces;

/// <summary>
/// Bundle archives (<c>.tar.gz</c>) through the unpacker that <c>bundle unpack</c> and a deployment use, over an
/// installed bundle (<c>overwrite</c>): a refused archive must leave the installed bundle byte for byte as it was.
/// </summary>
/// <remarks>Most mutations change the tar stream and compress it again, so they reach the tar and manifest checks behind gzip's CRC.</remarks>
public sealed class BundleArchiveSurface : FuzzSurface
{
    private readonly string _archive;
    private readonly string _installed;

    /// <summary>Packs the seed bundle, installs it, and takes its archive as seed.</summary>
    public BundleArchiveSurface()
        : base("archives")
    {
        var source = Path.Combine(ScratchDirectory, "source");
        SeedBundle.Write(source);
        _archive = Path.Combine(ScratchDirectory, "bundle" + BundleArchive.Extension);
        BundleArchive.Pack(source, _archive);
        _installed = Path.Combine(ScratchDirectory, "installed");
        BundleArchive.Unpack(_archive, _installed);
        Seeds = [File.ReadAllBytes(_archive)];
        StoredFiles = [.. Directory.EnumerateFiles(_installed)];
    }

    /// <inheritdoc />
    public override string Name => "archives";

    /// <inheritdoc />
    public override IReadOnlyList<byte[]> Seeds { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> StoredFiles { get; }

    /// <inheritdoc />
    public override byte[] Mutate(byte[] seed, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return random.Next(4) == 0 ? ByteMutations.Mutate(seed, random) : Compress(ByteMutations.Mutate(Decompress(seed), random));
    }

    /// <inheritdoc />
    public override void Exercise(byte[] input)
    {
        File.WriteAllBytes(_archive, input);
        _ = BundleArchive.Unpack(_archive, _installed, overwrite: true);
    }

    /// <inheritdoc />
    public override bool NamesInput(string message) =>
        message is not null && (message.Contains(_archive, StringComparison.Ordinal) || message.Contains(_installed, StringComparison.Ordinal));

    private static byte[] Decompress(byte[] archive)
    {
        using var gzip = new GZipStream(new MemoryStream(archive), CompressionMode.Decompress);
        using var tar = new MemoryStream();
        gzip.CopyTo(tar);
        return tar.ToArray();
    }

    private static byte[] Compress(byte[] tar)
    {
        using var archive = new MemoryStream();
        using (var gzip = new GZipStream(archive, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar);
        }

        return archive.ToArray();
    }
}
