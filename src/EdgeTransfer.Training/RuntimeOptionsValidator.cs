using System.Globalization;

namespace EdgeTransfer.Training;

/// <summary>Checks <see cref="RuntimeOptions"/> before a session is created.</summary>
internal static class RuntimeOptionsValidator
{
    /// <summary>The largest thread count accepted.</summary>
    public const int MaxThreads = 256;

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IntraOpThreads < 1 || options.IntraOpThreads > MaxThreads)
        {
            throw new InvalidSettingException(
                "RuntimeOptions.IntraOpThreads",
                string.Create(CultureInfo.InvariantCulture, $"must be 1 to {MaxThreads}; got {options.IntraOpThreads}."));
        }
    }
}
