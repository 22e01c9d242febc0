namespace EdgeTransfer.Benchmarks.Numerics;

/// <summary>
/// Features a device computed and stored (<c>edgetransfer-device collect --label auto</c> replaying the
/// <c>train/</c> and <c>test/</c> folders of the data, one store each), to be compared with the host's.
/// </summary>
/// <param name="Name">How the tables name it, e.g. <c>arm64 int8 (qemu)</c>.</param>
/// <param name="Directory">A folder holding the two state folders <c>train/</c> and <c>test/</c> (each a device's <c>store.path</c>).</param>
public sealed record FeatureStoreSource(string Name, string Directory)
{
    /// <summary>Parses <c>name=directory</c> as the <c>--store</c> option takes it.</summary>
    /// <param name="text">The option's value.</param>
    /// <returns>The source.</returns>
    /// <exception cref="InvalidSettingException">The value is not <c>name=directory</c>.</exception>
    public static FeatureStoreSource Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0 || at == text.Length - 1)
        {
            throw new InvalidSettingException("--store", $"'{text}' is not name=directory (e.g. \"arm64 int8=/tmp/arm64\").");
        }

        return new FeatureStoreSource(text[..at].Trim(), text[(at + 1)..].Trim());
    }
}
