using System.Formats.Tar;
using System.IO.Compression;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Preparation;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests.Infrastructure;

/// <summary>
/// Shared by every agent test (one collection, run one after the other: each device inspects on the same two cores):
/// a float ResNet18 bundle for four synthetic classes, a second bundle with another id, their archives, a tampered
/// archive, and a real Mosquitto with a user per device id.
/// </summary>
public sealed class AgentEnvironment : IAsyncLifetime, IDisposable
{
    public static readonly string[] Devices = ["d-kill", "d-cmd", "d-bad", "d-deploy", "d-tamper", "d-outage", "d-idle", "d-carry", "d-classes", "d-crash", "d-fit", "d-fitbad", "d-badbundle", "d-eval"];

    /// <summary>The broker user of every device: "{fleet}/{device}", as the shipped ACL expects.</summary>
    public static string[] BrokerUsers => [.. Devices.Select(d => $"{DeviceUnderTest.Fleet}/{d}")];

    private readonly TempDirectory _root = new();

    public string BundleDirectory => _root.Combine("bundle-a");

    public string SecondBundleDirectory => _root.Combine("bundle-b");

    public string SecondArchive => _root.Combine("bundle-b.tar.gz");

    /// <summary>A well-formed archive whose bundle has a changed model file (the manifest's sha256 no longer matches).</summary>
    public string TamperedArchive => _root.Combine("bundle-tampered.tar.gz");

    public string SecondBundleId { get; private set; } = "";

    /// <summary>The first bundle with its classes in another order (same backbone and head shapes): labels mean other classes.</summary>
    public string ReorderedArchive => _root.Combine("bundle-c.tar.gz");

    public string ReorderedBundleId { get; private set; } = "";

    public string PasswordFile => _root.Combine("password");

    public MosquittoBroker? Broker { get; private set; }

    public string Combine(params string[] parts) => _root.Combine(parts);

    public async Task InitializeAsync()
    {
        // INT8 only: a quarter of the float bundle's bytes to send over MQTT, and faster inspection on two cores.
        BundlePreparer.Prepare(new PrepareOptions
        {
            Classes = ["good", "scratch", "dent", "stain"],
            OutputDirectory = BundleDirectory,
            Quantize = new QuantizeOptions { MaxImages = 8, KeepFloat = false },
        });
        SecondBundleId = CopyWithNewId(BundleDirectory, SecondBundleDirectory, "second");
        BundleArchive.Pack(SecondBundleDirectory, SecondArchive);
        ReorderedBundleId = CopyWithNewId(BundleDirectory, _root.Combine("bundle-c"), "reordered", ["good", "dent", "scratch", "stain"]);
        BundleArchive.Pack(_root.Combine("bundle-c"), ReorderedArchive);
        WriteTamperedArchive(SecondBundleDirectory, TamperedArchive);
        File.WriteAllText(PasswordFile, MosquittoBroker.Password + "\n");
        if (!OperatingSystem.IsWindows())
        {
            // device.json refuses a password file other users can read.
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (MosquittoBroker.IsAvailable)
        {
            Broker = await MosquittoBroker.StartAsync(BrokerUsers);
        }
    }

    public async Task DisposeAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        Dispose();
    }

    public void Dispose() => _root.Dispose();

    /// <summary>Copies a bundle and gives it a new id (the manifest is not hashed; the files it lists are unchanged).</summary>
    private static string CopyWithNewId(string source, string target, string suffix, IReadOnlyList<string>? classes = null)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        var path = Path.Combine(target, BundleManifest.FileName);
        var manifest = BundleManifest.Parse(File.ReadAllText(path), target);
        var id = manifest.BundleId + "-" + suffix;
        File.WriteAllText(path, (manifest with { BundleId = id, Classes = classes ?? manifest.Classes }).ToJson());
        _ = BundleReader.Open(target);
        return id;
    }

    private static void WriteTamperedArchive(string bundleDirectory, string archivePath)
    {
        var manifest = BundleReader.ReadManifest(bundleDirectory);
        using var file = File.Create(archivePath);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        tar.WriteEntry(Path.Combine(bundleDirectory, BundleManifest.FileName), BundleManifest.FileName);
        foreach (var entry in manifest.Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(bundleDirectory, entry.Path));
            if (entry.Role == BundleRoles.InferenceModel)
            {
                // One flipped bit in the head graph: same size, another sha256.
                bytes[^1] ^= 0x01;
            }

            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entry.Path) { DataStream = new MemoryStream(bytes) });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AgentTestGroup : ICollectionFixture<AgentEnvironment>
{
    public const string Name = "agent";
}
