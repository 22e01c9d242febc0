using Xunit;

namespace EdgeTransfer.Testing;

/// <summary>A fact about POSIX behaviour (signals, file modes); skipped, with the reason, on Windows.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> on Windows.</summary>
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "POSIX signals (SIGINT, SIGTERM) do not exist on Windows.";
        }
    }
}
