using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeTransfer.Device;

/// <summary>
/// What this program is: its version, and whether it was compiled ahead of time (Native AOT) or runs on the JIT, for
/// <c>status</c> and the service log. A package built without the Native AOT toolchain falls back to the JIT'd program,
/// which needs about 40 MB more memory (docs/benchmarks.md, "Native AOT"), so whoever runs the line can see which one
/// they have.
/// </summary>
internal static class DeviceProgram
{
    /// <summary>"Native AOT" or "JIT (.NET 10.0.x)".</summary>
    public static string Compilation => RuntimeFeature.IsDynamicCodeSupported
        ? $"JIT ({RuntimeInformation.FrameworkDescription})"
        : "Native AOT";

    /// <summary>The informational version without the commit suffix's tail, e.g. 0.1.0+f27f8e2.</summary>
    public static string Version
    {
        get
        {
            var version = typeof(DeviceProgram).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            var plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus >= 0 && version.Length > plus + 8 ? version[..(plus + 8)] : version;
        }
    }

    /// <summary>One line: <c>edgetransfer-device 0.1.0+f27f8e2, Native AOT, linux-arm64</c>.</summary>
    public static readonly string Description = $"edgetransfer-device {Version}, {Compilation}, {RuntimeInformation.RuntimeIdentifier}";
}
