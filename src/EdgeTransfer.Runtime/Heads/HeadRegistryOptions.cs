namespace EdgeTransfer.Runtime.Heads;

/// <summary>How many head versions a <see cref="HeadRegistry"/> keeps. Checked by <see cref="HeadRegistryOptionsValidator"/>.</summary>
public sealed class HeadRegistryOptions
{
    /// <summary>
    /// The newest versions kept on the disk; older ones are deleted after a promotion. At least 2, default 5.
    /// The version in service, the one before it and the one before that (what a second rollback returns to)
    /// are never deleted, whatever their age.
    /// </summary>
    public int KeepHeads { get; set; } = 5;

    /// <summary>Throws <see cref="InvalidSettingException"/> naming the first bad value.</summary>
    public void Validate() => HeadRegistryOptionsValidator.Validate(this);
}
