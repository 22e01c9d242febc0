using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Device.Tests;

/// <summary>
/// devices/launcher/edgetransfer-device, the start script of every Linux package: a package built for the other
/// CPU is refused with a sentence (exit 126) instead of a loader error, and the right one is started unchanged.
/// </summary>
public sealed class PackageLauncherTests : IDisposable
{
    private const ushort X86_64 = 62;
    private const ushort Aarch64 = 183;
    private readonly string _package = Directory.CreateTempSubdirectory("launcher-").FullName;

    public PackageLauncherTests()
    {
        File.Copy(Path.Combine(PretrainedModels.RepositoryRoot, "devices", "launcher", "edgetransfer-device"), Launcher);
    }

    private string Launcher => Path.Combine(_package, "edgetransfer-device");

    private string Program => Path.Combine(_package, "edgetransfer-device.bin");

    private static bool OnLinux => OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture is Architecture.X64 or Architecture.Arm64;

    [Fact]
    public void PackageForTheOtherCpu_IsRefused_NamingBothSides()
    {
        if (!OnLinux)
        {
            return;
        }

        // Given a program whose ELF header is for the CPU this machine is not
        var other = RuntimeInformation.OSArchitecture == Architecture.X64 ? Aarch64 : X86_64;
        WriteElf(other);

        // When the package is started
        var (exit, _, error) = Run("status");

        // Then it is refused before the loader, and the message says what to install
        Assert.Equal(126, exit);
        var (built, machine, wanted) = other == Aarch64
            ? ("linux-arm64 (aarch64)", "x86_64", "linux-x64")
            : ("linux-x64 (x86_64)", "aarch64", "linux-arm64");
        Assert.Contains($"this package is built for {built}, but this machine is {machine}; install the package built for {wanted}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PackageForThisCpu_StartsTheProgram_WithItsArguments()
    {
        if (!OnLinux)
        {
            return;
        }

        // Given a program for this CPU (a shell script behind an ELF-looking name would not do: use a real binary)
        File.Copy("/bin/echo", Program);

        // When the package is started with arguments
        var (exit, output, _) = Run("status --config device.json");

        // Then the program runs with them
        Assert.Equal(0, exit);
        Assert.Equal("status --config device.json", output.Trim());
    }

    [Theory]
    [InlineData("DOTNET_GCgen0size", "0x400000", "0x1000000")] // a 4 MB gen0 budget (docs/benchmarks.md, issue 14)
    [InlineData("MALLOC_ARENA_MAX", "2", "4")] // two malloc arenas (docs/benchmarks.md, issue 12)
    [InlineData("MALLOC_MMAP_THRESHOLD_", "131072", "1048576")] // large blocks returned when freed (docs/benchmarks.md, issue 12)
    [InlineData("MALLOC_TRIM_THRESHOLD_", "131072", "262144")]
    public void PackageForThisCpu_SetsItsMemoryDefault_UnlessTheCallerChoseOne(string variable, string launcherDefault, string callers)
    {
        if (!OnLinux)
        {
            return;
        }

        // Given a program for this CPU that prints its environment
        File.Copy("/usr/bin/env", Program);

        // When the package is started without and with a value of the caller's
        var (_, plain, _) = Run(string.Empty);
        var (_, chosen, _) = Run(string.Empty, (variable, callers));

        // Then the launcher's default applies only when the caller set none
        Assert.Contains($"{variable}={launcherDefault}", plain.Split('\n'));
        Assert.Contains($"{variable}={callers}", chosen.Split('\n'));
        Assert.DoesNotContain($"{variable}={launcherDefault}", chosen.Split('\n'));
    }

    [Fact]
    public void NativeProgramForACpuWithoutItsInstructionSet_IsRefused_NamingWhatIsMissing()
    {
        if (!OnLinux)
        {
            return;
        }

        // Given a native program for this CPU whose package lists a CPU flag this machine has and one no CPU has
        File.Copy("/bin/echo", Program);
        var present = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal) || l.StartsWith("Features", StringComparison.Ordinal))
            .Split(':')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        File.WriteAllText(Path.Combine(_package, "cpu-flags"), $"{present} no_such_flag\n");

        // When the package is started
        var (exit, output, error) = Run("status");

        // Then it is refused before the program runs, naming the missing flag and the package to build instead
        Assert.Equal(126, exit);
        Assert.Empty(output);
        Assert.Contains("and this CPU lacks no_such_flag; install a package built with: dotnet cake --target=package --aot=false", error, StringComparison.Ordinal);
        Assert.DoesNotContain($"lacks {present}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NativeProgramForACpuWithItsInstructionSet_Starts()
    {
        if (!OnLinux || !File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("flags", StringComparison.Ordinal)))
        {
            return;
        }

        // Given a native program whose listed CPU flags this machine has
        File.Copy("/bin/echo", Program);
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(':')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        File.WriteAllText(Path.Combine(_package, "cpu-flags"), string.Join(' ', flags.Take(3)) + "\n");

        // When the package is started, then the program runs
        var (exit, output, _) = Run("status");
        Assert.Equal(0, exit);
        Assert.Equal("status", output.Trim());
    }

    [Theory]
    [InlineData("2.999", true)] // newer than any glibc: refused, naming both versions
    [InlineData("3.1", true)]
    [InlineData("2.17", false)] // older than this machine's: starts
    public void PackageNeedingANewerGlibc_IsRefused_NamingBothVersions(string needed, bool refused)
    {
        if (!OnLinux || !File.Exists("/usr/bin/getconf"))
        {
            return;
        }

        // Given a program for this CPU whose package needs the given glibc
        File.Copy("/bin/echo", Program);
        File.WriteAllText(Path.Combine(_package, "glibc-min"), needed + "\n");

        // When the package is started
        var (exit, output, error) = Run("status");

        // Then an older glibc than needed is refused before the loader, with both versions and what to build instead
        if (refused)
        {
            Assert.Equal(126, exit);
            Assert.Empty(output);
            Assert.Matches($@"this package needs glibc {Regex.Escape(needed)} or newer, and this machine has glibc 2\.\d+; .*--aot=false", error);
        }
        else
        {
            Assert.Equal(0, exit);
            Assert.Equal("status", output.Trim());
        }
    }

    [Fact]
    public void MissingProgram_IsNamed()
    {
        if (!OnLinux)
        {
            return;
        }

        // Given a package without edgetransfer-device.bin
        // When it is started
        var (exit, _, error) = Run("status");

        // Then the message names the missing file and how to check the package
        Assert.Equal(127, exit);
        Assert.Contains("edgetransfer-device.bin is missing; the package is incomplete (check it with: sha256sum -c SHA256SUMS)", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_package, recursive: true);

    private void WriteElf(ushort machine)
    {
        var header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        header[4] = 2; // 64-bit
        header[5] = 1; // little-endian
        header[18] = (byte)machine;
        header[19] = (byte)(machine >> 8);
        File.WriteAllBytes(Program, header);
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(Program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private (int Exit, string Output, string Error) Run(string arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("sh", $"\"{Launcher}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("DOTNET_GCgen0size");
        start.Environment.Remove("MALLOC_ARENA_MAX");
        start.Environment.Remove("MALLOC_MMAP_THRESHOLD_");
        start.Environment.Remove("MALLOC_TRIM_THRESHOLD_");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }
}
