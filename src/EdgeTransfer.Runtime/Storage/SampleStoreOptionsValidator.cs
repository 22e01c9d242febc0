using System.Globalization;

namespace EdgeTransfer.Runtime.Storage;

/// <summary>Checks <see cref="SampleStoreOptions"/> before a store opens.</summary>
internal static class SampleStoreOptionsValidator
{
    /// <summary>The smallest byte limit accepted (1 MiB): less cannot hold a useful training set.</summary>
    public const long MinTotalBytes = 1L << 20;

    /// <summary>The smallest segment size accepted.</summary>
    public const long MinSegmentBytes = 64L << 10;

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(SampleStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxPerClass is < 1 or > 10_000_000)
        {
            throw Error(nameof(options.MaxPerClass), $"must be 1 to 10000000; got {options.MaxPerClass}.");
        }

        if (options.MaxTotalBytes < MinTotalBytes)
        {
            throw Error(nameof(options.MaxTotalBytes), $"must be at least {MinTotalBytes} (1 MiB); got {options.MaxTotalBytes}.");
        }

        if (options.SegmentBytes < MinSegmentBytes || options.SegmentBytes > 1L << 30)
        {
            throw Error(nameof(options.SegmentBytes), $"must be {MinSegmentBytes} to {1L << 30}; got {options.SegmentBytes}.");
        }

        if (options.MaxJpegBytes is < 0 or > 64 << 20)
        {
            throw Error(nameof(options.MaxJpegBytes), $"must be 0 to {64 << 20}; got {options.MaxJpegBytes}.");
        }
    }

    private static InvalidSettingException Error(string name, string reason) =>
        new($"SampleStoreOptions.{name}", string.Create(CultureInfo.InvariantCulture, $"{reason}"));
}
