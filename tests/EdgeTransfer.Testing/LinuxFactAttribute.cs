using Xunit;

namespace EdgeTransfer.Testing;

/// <summary>A fact about Linux file kinds (FIFOs, character devices, sparse files); skipped, with the reason, elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> on other operating systems.</summary>
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "needs Linux: FIFOs, /dev/zero and sparse files are made and checked the Linux way.";
        }
    }
}
