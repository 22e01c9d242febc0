using System.Globalization;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Runtime.Storage;

namespace EdgeTransfer.Runtime.Hosting;

/// <summary>
/// Moves what a device learned on one bundle (its labelled samples and its promoted heads) into the state folder of
/// the next bundle, when the next bundle can use it: the same backbone (sha256 of the backbone file in use), the same
/// classes in the same order, and heads of the same parameter shapes that load into its inference graph.
/// </summary>
/// <remarks>
/// The source is only read: whatever is not carried over stays where it was. Copies are checked the way the new
/// bundle will use them (the sample store is opened with the new bundle's schema, every head is checked against the
/// new bundle's head and the one in service is loaded into its graph); a copy that fails is removed again and the
/// reason is reported, never half carried over.
/// </remarks>
public static class LearnedStateCarryOver
{
    /// <summary>
    /// Copies the learned state of <paramref name="from"/> into <paramref name="target"/> (a state folder the new
    /// bundle has not opened yet, normally empty).
    /// </summary>
    /// <param name="from">The device in service (its collection should be stopped, so that nothing is appended meanwhile).</param>
    /// <param name="to">The new bundle, verified.</param>
    /// <param name="target">The options the new bundle will run with (where its samples and heads live, the store's limits).</param>
    /// <returns>What was carried over and, for what was not, why.</returns>
    /// <exception cref="IOException">A copy could not be written (the caller discards the new slot).</exception>
    public static CarryOverResult CarryOver(DeviceHost from, DeviceBundle to, DeviceOptions target)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(target);
        var source = from.Samples.Schema;
        var schema = SampleStoreSchema.FromManifest(to.Manifest, to.BackboneRole);
        var mismatch = Mismatch(source, schema, from.Bundle.BundleId, to.BundleId);
        var samples = CarrySamples(from.Samples, schema, target.Store.SamplesPath, target.Training.ToSampleStoreOptions(), mismatch, out var samplesReason);
        var heads = CarryHeads(from, to, target.Store.HeadsPath, mismatch, out var inService, out var headsReason);
        return new CarryOverResult
        {
            Samples = samples,
            Heads = heads,
            HeadInService = inService,
            SamplesReason = samplesReason,
            HeadsReason = headsReason,
        };
    }

    private static string? Mismatch(SampleStoreSchema source, SampleStoreSchema target, string fromId, string toId)
    {
        if (!source.Classes.SequenceEqual(target.Classes, StringComparer.Ordinal))
        {
            return $"bundle {toId} has the classes [{string.Join(", ", target.Classes)}], bundle {fromId} had [{string.Join(", ", source.Classes)}]";
        }

        if (source.FeatureDimension != target.FeatureDimension)
        {
            return string.Create(CultureInfo.InvariantCulture, $"bundle {toId} has {target.FeatureDimension} features per sample, bundle {fromId} had {source.FeatureDimension}");
        }

        if (source.FeatureSource is not null && target.FeatureSource is not null && source.FeatureSource != target.FeatureSource)
        {
            return $"bundle {toId} runs another backbone (sha256 {Sha256.Abbreviate(target.FeatureSource)}, bundle {fromId} ran {Sha256.Abbreviate(source.FeatureSource)})";
        }

        return null;
    }

    private static int CarrySamples(SampleStore from, SampleStoreSchema schema, string targetDirectory, SampleStoreOptions limits, string? mismatch, out string? reason)
    {
        reason = null;
        var count = from.Count;
        if (count == 0)
        {
            return 0;
        }

        if (mismatch is not null)
        {
            reason = $"{count} labelled samples were not carried over: {mismatch}";
            return 0;
        }

        Directory.CreateDirectory(targetDirectory);
        foreach (var file in Directory.EnumerateFiles(from.DirectoryPath))
        {
            var name = Path.GetFileName(file);
            // Only the schema and the segments: the lock and temporary files belong to the open store.
            if (name == StoreDescriptor.FileName || (name.StartsWith(SampleStore.SegmentPrefix, StringComparison.Ordinal) && name.EndsWith(SampleStore.SegmentExtension, StringComparison.Ordinal)))
            {
                AtomicFile.Write(Path.Combine(targetDirectory, name), stream =>
                {
                    using var input = File.OpenRead(file);
                    input.CopyTo(stream);
                });
            }
        }

        try
        {
            // Re-validated as the new bundle will open it: its schema and limits, every record's checksum.
            using var copy = SampleStore.Open(targetDirectory, schema, limits);
            if (copy.Count != count)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"{count - copy.Count} of {count} labelled samples did not survive the copy and stay only in the previous bundle's state");
            }

            return copy.Count;
        }
        catch (SampleStoreException ex)
        {
            Directory.Delete(targetDirectory, recursive: true);
            reason = $"{count} labelled samples were not carried over: {ex.Reason}";
            return 0;
        }
    }

    private static List<int> CarryHeads(DeviceHost from, DeviceBundle to, string targetDirectory, string? mismatch, out int? inService, out string? reason)
    {
        inService = null;
        reason = null;
        var versions = from.Heads.Versions;
        var current = from.Heads.Current;
        if (current is null || versions.All(v => v.Source == HeadSource.Initial))
        {
            // Nothing learned: the new bundle starts from its own initial head.
            return [];
        }

        var learned = versions.Count(v => v.Source != HeadSource.Initial);
        if (mismatch is not null)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"{learned} promoted heads (up to {current.Name}) were not carried over: {mismatch}");
            return [];
        }

        var carried = new List<int>();
        try
        {
            foreach (var version in versions)
            {
                var checkpoint = from.Heads.Read(version);
                to.CheckHead(checkpoint, version.Name);
                if (version.Number == current.Number)
                {
                    // The head in service must run in the new bundle's inference graph, not only have its shapes.
                    to.CreateHeadPredictor(checkpoint).Dispose();
                }

                var metadata = checkpoint.Metadata.ToDictionary(StringComparer.Ordinal);
                metadata[HeadRegistry.KeyBundle] = to.BundleId;
                metadata["registry.carriedFrom"] = from.Bundle.BundleId;
                Directory.CreateDirectory(targetDirectory);
                CheckpointFile.Write(Path.Combine(targetDirectory, version.Name + CheckpointFile.Extension), new HeadCheckpoint(checkpoint.Parameters, checkpoint.OptimizerState, checkpoint.Step, metadata));
                carried.Add(version.Number);
            }

            // Last, like a promotion: the pointer is the commit point of the copied registry.
            AtomicFile.WriteAllText(Path.Combine(targetDirectory, HeadRegistry.PointerFileName), current.Name + "\n");
            inService = current.Number;
            return carried;
        }
        catch (EdgeTransferException ex)
        {
            if (Directory.Exists(targetDirectory))
            {
                Directory.Delete(targetDirectory, recursive: true);
            }

            reason = string.Create(CultureInfo.InvariantCulture, $"{learned} promoted heads (up to {current.Name}) were not carried over: {ex.Message}");
            return [];
        }
    }
}
