using System.Globalization;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>
/// One sample per frame in a <see cref="SampleStore"/>: labelling a frame that already has a sample gives that sample
/// the new label instead of adding a copy, so repeated <c>label</c> commands on an unchanged last frame cannot fill the
/// store with copies that would land on both sides of the training/validation split.
/// </summary>
/// <remarks>
/// Frames are recognised by their features (<see cref="FeatureDigest"/>). The index is built from the stored features
/// on first use, so it also covers samples stored before a restart; every hit is checked against the stored features
/// bit for bit, and entries of evicted or deleted samples drop out when they are met. Thread-safe.
/// </remarks>
internal sealed class FrameLabels(SampleStore store)
{
    private readonly Lock _gate = new();
    private Dictionary<ulong, List<long>>? _byContent;

    /// <summary>Stores <paramref name="features"/> under <paramref name="label"/>, or relabels the sample(s) the same frame already has.</summary>
    /// <param name="label">A class of the store.</param>
    /// <param name="features">The frame's features.</param>
    /// <param name="frameId">The frame id, for a new sample.</param>
    /// <param name="views">
    /// The features of the frame's augmented views, asked for only when the frame is new: they are stored as part of the
    /// frame's sample (<see cref="SampleStore.Add"/>'s <c>partOf</c>); null or an empty answer stores none.
    /// </param>
    /// <returns>The sample that holds the frame now, and whether it existed already (its label was replaced).</returns>
    public (StoredSample Sample, bool Replaced) Label(string label, ReadOnlySpan<float> features, string frameId, Func<IReadOnlyList<float[]>?>? views = null)
    {
        var key = FeatureDigest.Of(features);
        lock (_gate)
        {
            var index = _byContent ??= Build();
            if (index.TryGetValue(key, out var ids))
            {
                var same = new List<long>();
                foreach (var id in ids.ToList())
                {
                    var stored = store.ReadFeatures(id);
                    if (stored is null)
                    {
                        ids.Remove(id);
                    }
                    else if (FeatureDigest.Same(stored, features))
                    {
                        same.Add(id);
                    }
                }

                if (same.Count > 0)
                {
                    // Copies stored before this index existed all take the new label: the latest label wins for the frame.
                    same.ForEach(id => store.Relabel(id, label));
                    var all = store.Enumerate();
                    foreach (var view in all.Where(s => s.PartOf is { } part && same.Contains(part)))
                    {
                        // A view is the same part: it follows its frame's label.
                        store.Relabel(view.Id, label);
                    }

                    var live = all.FirstOrDefault(s => same.Contains(s.Id));
                    if (live is not null)
                    {
                        return (live, true);
                    }
                }
            }

            var sample = store.Add(label, features, frameId);
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }

            list.Add(sample.Id);
            var rendered = views?.Invoke() ?? [];
            for (var v = 0; v < rendered.Count; v++)
            {
                // Views are not indexed: they are never a frame that could be labelled again.
                store.Add(label, rendered[v], string.Create(CultureInfo.InvariantCulture, $"{frameId}#view{v + 1}"), partOf: sample.Id);
            }

            return (sample, false);
        }
    }

    private Dictionary<ulong, List<long>> Build()
    {
        var all = store.ReadAll();
        var index = new Dictionary<ulong, List<long>>();
        for (var i = 0; i < all.Count; i++)
        {
            var key = FeatureDigest.Of(all.FeaturesOf(i));
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }

            list.Add(all.Ids[i]);
        }

        return index;
    }
}
