using System.Globalization;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Artifacts.Bundles;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Loading;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Agent.Deployment;

/// <summary>
/// The slot side of a deployment: unpacks a received bundle into a new slot, carries what the device learned into it,
/// opens it, records it as active, and removes slots nothing refers to any more — always saying what it removed.
/// </summary>
/// <remarks>
/// <para>Crash safety comes from the order of the steps: a slot becomes referenced only when <c>active.json</c> names it
/// (written atomically, after the new host opened). A crash before that leaves an orphan slot, removed at the next
/// start; a crash after it leaves extra old slots, removed by the same rule.</para>
/// <para>Learned state the new bundle cannot use (another backbone or other classes) is never deleted with its slot:
/// the slot is listed as kept until a head trained on the active bundle is promoted.</para>
/// </remarks>
/// <param name="stateRoot">The device's state directory (slots live under <c>bundles/</c>).</param>
/// <param name="logger">Where removals and carry-overs are logged.</param>
internal sealed class BundleInstaller(string stateRoot, ILogger logger)
{
    private readonly string _root = DeployedBundles.RootOf(stateRoot);

    /// <summary>Unpacks <paramref name="received"/> into a new slot, carries the learned state of <paramref name="old"/> over and opens the new host.</summary>
    /// <exception cref="EdgeTransferException">The bundle was refused or its slot could not be prepared; the slot was removed again.</exception>
    public PreparedSlot Prepare(ReceivedBundle received, DeviceHost old, ILoggerFactory? loggers, TimeProvider time)
    {
        var slot = DeployedBundles.NextSlot(_root);
        try
        {
            // Unpacked into a new folder the device names itself, verified file by file (sha256 against the
            // manifest) by the archive reader, then opened completely (sessions made) while the old bundle inspects.
            BundleArchive.Unpack(received.ArchivePath, DeployedBundles.BundlePath(_root, slot));
            var options = DeployedBundles.WithPaths(old.Options, DeployedBundles.BundlePath(_root, slot), DeployedBundles.StatePath(_root, slot));
            // Nothing may be appended to the old store while it is copied; a collection does not outlive its host anyway.
            old.StopCollecting();
            var carried = LearnedStateCarryOver.CarryOver(old, DeviceBundle.Open(options.Bundle.Path), options);
            return new PreparedSlot(slot, DeviceHost.Open(options, loggers, time), carried);
        }
        catch (Exception ex) when (ex is EdgeTransferException or IOException or UnauthorizedAccessException)
        {
            Discard(slot);
            throw ex as EdgeTransferException ?? new EdgeTransferException($"Slot {slot} could not be prepared: {ex.Message}", ex);
        }
    }

    /// <summary>Removes a prepared slot that did not go into service.</summary>
    public void Discard(string slot) => DeployedBundles.TryDelete(Path.Combine(_root, slot));

    /// <summary>
    /// Records <paramref name="prepared"/> as the active slot (the one <paramref name="old"/> ran from as previous), keeps
    /// the old slot when learned state stayed behind in it, and removes slots nothing refers to.
    /// </summary>
    /// <returns>The outcome for the reply.</returns>
    public DeployOutcome Commit(ReceivedBundle received, PreparedSlot prepared, DeviceHost old)
    {
        var record = DeployedBundles.ReadActive(_root);
        // The slot the old host ran from, or null when it ran the bundle of device.json (which is never deleted).
        var previous = SlotOf(old);
        var kept = (record?.Kept ?? []).Where(s => DeployedBundles.IsValidSlot(s) && Directory.Exists(Path.Combine(_root, s))).ToList();
        var keptUntil = record?.KeptUntilAbove;
        var carried = prepared.CarryOver;
        string? notCarried = null;
        if (carried.LeftBehind)
        {
            var where = previous is null ? "in the device's own state folder (never deleted)" : $"in slot {previous}";
            notCarried = $"{string.Join("; ", new[] { carried.SamplesReason, carried.HeadsReason }.OfType<string>())}. They are kept {where} until a head trained on bundle {prepared.Host.Bundle.BundleId} is promoted.";
            if (previous is not null && !kept.Contains(previous))
            {
                kept.Add(previous);
            }

            keptUntil = prepared.Host.Heads.Current?.Number;
            AgentLog.LearnedStateLeftBehind(logger, received.DeploymentId, notCarried);
        }
        else if (carried.Heads.Count == 0 && kept.Count > 0)
        {
            // Head numbers start again on a bundle that took over no head: the kept slots wait for a promotion here.
            keptUntil = prepared.Host.Heads.Current?.Number;
        }

        AgentLog.LearnedStateCarried(logger, received.DeploymentId, carried.Samples, carried.Heads.Count, prepared.Slot);
        var active = new ActiveBundles { Active = prepared.Slot, Previous = previous, Kept = kept.Count > 0 ? kept : null, KeptUntilAbove = kept.Count > 0 ? keptUntil : null };
        DeployedBundles.WriteActive(_root, active);
        return new DeployOutcome
        {
            Installed = true,
            BundleId = prepared.Host.Bundle.BundleId,
            PreviousBundleId = old.Bundle.BundleId,
            Slot = prepared.Slot,
            HeadVersion = prepared.Host.Heads.Current?.Number,
            SamplesCarried = carried.Samples,
            HeadsCarried = carried.Heads,
            NotCarriedOver = notCarried,
        };
    }

    /// <summary>
    /// Removes every slot that is neither active, previous nor kept, and releases kept slots once <paramref name="running"/>
    /// (the host of the active slot) has promoted a trained head of its own. Each removal is logged.
    /// </summary>
    /// <returns>The removed slots, each with the reason.</returns>
    public IReadOnlyList<string> RemoveUnreferenced(DeviceHost running)
    {
        if (!Directory.Exists(_root))
        {
            return [];
        }

        var record = DeployedBundles.ReadActive(_root);
        if (record is null && File.Exists(Path.Combine(_root, DeployedBundles.ActiveFile)))
        {
            AgentLog.SlotsNotCleaned(logger, $"{DeployedBundles.ActiveFile} cannot be read, so no slot is known to be unused; every slot is left as it is.");
            return [];
        }

        var runningSlot = SlotOf(running);
        var kept = record?.Kept ?? [];
        string? released = null;
        if (kept.Count > 0 && runningSlot is not null && runningSlot == record?.Active
            && running.Heads.Versions.FirstOrDefault(v => v.Source == HeadSource.Trained && v.Number > (record.KeptUntilAbove ?? 0)) is { } promoted)
        {
            released = $"it held learned state that bundle {running.Bundle.BundleId} could not take over, kept until it promoted a head of its own ({promoted.Name}).";
            kept = [];
            DeployedBundles.WriteActive(_root, record with { Kept = null, KeptUntilAbove = null });
        }

        var referenced = new HashSet<string?>([record?.Active, record?.Previous, runningSlot, .. kept], StringComparer.Ordinal);
        var removed = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(_root))
        {
            var name = Path.GetFileName(directory);
            if (!DeployedBundles.IsValidSlot(name) || referenced.Contains(name))
            {
                continue;
            }

            var reason = (record?.Kept?.Contains(name) ?? false) && released is not null
                ? released
                : Describe(name) + " and no record refers to it (replaced by newer deployments, or an installation that did not finish).";
            DeployedBundles.TryDelete(directory);
            if (!Directory.Exists(directory))
            {
                AgentLog.SlotRemoved(logger, name, reason);
                removed.Add($"{name}: {reason}");
            }
        }

        return removed;
    }

    private string? SlotOf(DeviceHost host)
    {
        var bundle = Path.GetFullPath(host.Options.Bundle.Path);
        var slot = Path.GetFileName(Path.GetDirectoryName(bundle));
        return DeployedBundles.IsValidSlot(slot) && string.Equals(bundle, Path.GetFullPath(DeployedBundles.BundlePath(_root, slot!)), StringComparison.Ordinal) ? slot : null;
    }

    // What the slot held, as far as its files tell without opening it (it may be half unpacked).
    private string Describe(string slot)
    {
        var store = new StoreOptions { Path = DeployedBundles.StatePath(_root, slot) };
        var heads = Directory.Exists(store.HeadsPath) ? Directory.EnumerateFiles(store.HeadsPath, "v*" + CheckpointFile.Extension).Count() : 0;
        var samples = Directory.Exists(store.SamplesPath) ? Directory.EnumerateFiles(store.SamplesPath).Sum(f => new FileInfo(f).Length) : 0;
        return string.Create(CultureInfo.InvariantCulture, $"it held {heads} head versions and {samples:N0} bytes of sample store,");
    }
}
