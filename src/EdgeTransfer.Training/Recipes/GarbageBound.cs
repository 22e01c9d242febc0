namespace EdgeTransfer.Training.Recipes;

/// <summary>
/// Bounds the garbage a recipe selection leaves between collections. The candidates' garbage outlives gen0 and gen1
/// collections and piled up into the device's memory peak while it trained (5 MB of it, docs/benchmarks.md); a
/// collection after every candidate removed that but cost 15 to 75 blocking pauses per selection, each of them a pause
/// of the inspection loop and, in a host with a large heap, most of the selection's time. Collecting only when the
/// managed heap has grown by <see cref="DefaultLimitBytes"/> since the last one keeps the peak within that much and
/// the pauses to a few per selection.
/// </summary>
/// <param name="limitBytes">How far the heap may grow before a collection.</param>
internal sealed class GarbageBound(long limitBytes)
{
    /// <summary>The growth that triggers a collection: a few copies of a device's training set (400 × 512 floats is 0.8 MB).</summary>
    public const long DefaultLimitBytes = 2L << 20;

    private long _baseline = GC.GetTotalMemory(forceFullCollection: false);

    /// <summary>How many collections this bound has made.</summary>
    public int Collections { get; private set; }

    /// <summary>Collects when the heap has grown past the limit since the last collection (or since this bound was made).</summary>
    public void CollectIfGrown()
    {
        if (GC.GetTotalMemory(forceFullCollection: false) - _baseline <= limitBytes)
        {
            return;
        }

        GC.Collect();
        Collections++;
        _baseline = GC.GetTotalMemory(forceFullCollection: false);
    }
}
