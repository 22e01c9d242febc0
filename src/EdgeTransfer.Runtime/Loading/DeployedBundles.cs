using System.Globalization;
using System.Text.Json;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Runtime.Configuration;

namespace EdgeTransfer.Runtime.Loading;

/// <summary>
/// Where bundles deployed over MQTT live on the device: <c>{state}/bundles/b0001/</c>, <c>b0002/</c> … (names the
/// device makes up itself; nothing from a payload becomes a path), each with the unpacked <c>bundle/</c> and its own
/// <c>state/</c> (heads and samples of that bundle), and <c>active.json</c> naming the slot in service and the one
/// before it. The bundle of <c>device.json</c> stays where it is and is the fallback.
/// </summary>
/// <remarks>
/// Every host resolves the bundle in service here — the device program, the demo, an embedding application — so that
/// all of them run the bundle a deployment put in service. The device agent writes the slots and <c>active.json</c>.
/// </remarks>
public static class DeployedBundles
{
    /// <summary>The folder under the state directory.</summary>
    public const string DirectoryName = "bundles";

    internal const string ActiveFile = "active.json";

    /// <summary>
    /// The options to open the device with: <paramref name="configured"/> itself when no bundle was deployed, else a
    /// copy whose bundle and store paths point at the active deployed bundle. A slot that no longer verifies is
    /// skipped for the previous one, then for the configured bundle: a damaged deployment never stops the device.
    /// </summary>
    /// <param name="configured">The options from <c>device.json</c> (paths resolved).</param>
    public static DeviceOptions Resolve(DeviceOptions configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        var root = RootOf(configured.Store.Path);
        var active = ReadActive(root);
        foreach (var slot in new[] { active?.Active, active?.Previous })
        {
            if (slot is not null && IsValidSlot(slot) && TryVerify(BundlePath(root, slot)))
            {
                return WithPaths(configured, BundlePath(root, slot), StatePath(root, slot));
            }
        }

        return configured;
    }

    /// <summary>The slot folder name of deployment number <paramref name="number"/>.</summary>
    internal static string SlotName(int number) => string.Create(CultureInfo.InvariantCulture, $"b{number:D4}");

    internal static string RootOf(string stateDirectory) => Path.Combine(stateDirectory, DirectoryName);

    internal static string BundlePath(string root, string slot) => Path.Combine(root, slot, "bundle");

    internal static string StatePath(string root, string slot) => Path.Combine(root, slot, "state");

    internal static bool IsValidSlot(string? slot) =>
        slot is { Length: >= 5 and <= 10 } && slot[0] == 'b' && slot.AsSpan(1).ContainsAnyExceptInRange('0', '9') is false;

    /// <summary>The next free slot name (one above every existing slot).</summary>
    internal static string NextSlot(string root)
    {
        var highest = 0;
        if (Directory.Exists(root))
        {
            foreach (var directory in Directory.EnumerateDirectories(root))
            {
                var name = Path.GetFileName(directory);
                if (IsValidSlot(name) && int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    highest = Math.Max(highest, number);
                }
            }
        }

        return SlotName(highest + 1);
    }

    internal static ActiveBundles? ReadActive(string root)
    {
        var path = Path.Combine(root, ActiveFile);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), LoadingJsonContext.Default.ActiveBundles) : null;
        }
        catch (JsonException)
        {
            // Written atomically, so only a hand edit gets here: fall back to the configured bundle.
            return null;
        }
    }

    internal static void WriteActive(string root, ActiveBundles active)
    {
        Directory.CreateDirectory(root);
        AtomicFile.WriteAllBytes(Path.Combine(root, ActiveFile), JsonSerializer.SerializeToUtf8Bytes(active, LoadingJsonContext.Default.ActiveBundles));
    }

    internal static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next prune; it does not affect the bundle in service.
        }
    }

    /// <summary>A copy of <paramref name="options"/> running the bundle in <paramref name="bundlePath"/> with its own state.</summary>
    internal static DeviceOptions WithPaths(DeviceOptions options, string bundlePath, string storePath)
    {
        // A deep copy through the file format: every key is carried over, and the copy is validated again.
        var copy = DeviceConfigFile.Parse(DeviceConfigFile.ToJson(options));
        copy.Bundle.Path = bundlePath;
        copy.Store.Path = storePath;
        return copy;
    }

    private static bool TryVerify(string bundlePath)
    {
        try
        {
            _ = BundleReader.Open(bundlePath);
            return true;
        }
        catch (EdgeTransferException)
        {
            return false;
        }
    }
}
