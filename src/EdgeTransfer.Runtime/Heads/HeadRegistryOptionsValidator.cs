namespace EdgeTransfer.Runtime.Heads;

/// <summary>Checks <see cref="HeadRegistryOptions"/>.</summary>
internal static class HeadRegistryOptionsValidator
{
    /// <summary>The largest number of versions kept.</summary>
    public const int MaxKeepHeads = 1000;

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(HeadRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.KeepHeads is < 2 or > MaxKeepHeads)
        {
            throw new InvalidSettingException("HeadRegistryOptions.KeepHeads", $"must be 2 to {MaxKeepHeads} (the head in service and the one to roll back to are always kept); got {options.KeepHeads}.");
        }
    }
}
