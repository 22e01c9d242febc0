using EdgeTransfer.Artifacts.Text;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The checks of the <c>bundle</c> section, for <see cref="DeviceOptionsValidator"/>.</summary>
internal static class BundleOptionsChecks
{
    public static void Check(BundleOptions bundle, Action<string, string> add)
    {
        if (bundle.Int8Activations is not { } flavours)
        {
            return;
        }

        const string Key = "bundle.int8Activations";
        var known = string.Join(", ", BundleOptions.KnownInt8Activations.Select(k => $"\"{k}\""));
        if (flavours.Count == 0)
        {
            add(Key, $"expected at least one of {known}, or no key at all for any, got an empty list.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < flavours.Count; i++)
        {
            var flavour = flavours[i];
            if (!BundleOptions.KnownInt8Activations.Contains(flavour, StringComparer.Ordinal))
            {
                add($"{Key}[{i}]", $"expected one of {known}, got \"{flavour}\"{NameSuggestions.DidYouMean(flavour ?? string.Empty, BundleOptions.KnownInt8Activations)}.");
            }
            else if (!seen.Add(flavour))
            {
                add($"{Key}[{i}]", $"expected each flavour once, got \"{flavour}\" twice.");
            }
        }
    }
}
