using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Benchmarks;

/// <summary>
/// The machine a benchmark ran on, printed with every set of figures: a number without its CPU, core
/// count, runtime versions, instruction-set flags and load is not comparable with anything.
/// </summary>
/// <param name="Cpu">The CPU model name (from /proc/cpuinfo on Linux).</param>
/// <param name="LogicalCores">The logical processors this process may use.</param>
/// <param name="OperatingSystem">The OS description.</param>
/// <param name="Architecture">The process architecture (X64, Arm64 …).</param>
/// <param name="DotNet">The .NET runtime description.</param>
/// <param name="OnnxRuntime">The ONNX Runtime native library version.</param>
/// <param name="Avx2">Whether the CPU has AVX2.</param>
/// <param name="Avx512F">Whether the CPU has AVX-512 Foundation.</param>
/// <param name="Vnni">Whether the CPU has an int8 dot-product instruction (AVX-512 VNNI or AVX-VNNI): what ORT's U8S8 kernels use.</param>
/// <param name="LoadAverage">The 1-minute load average when the benchmark started (NaN where unknown).</param>
public sealed record MachineInfo(
    string Cpu,
    int LogicalCores,
    string OperatingSystem,
    string Architecture,
    string DotNet,
    string OnnxRuntime,
    bool Avx2,
    bool Avx512F,
    bool Vnni,
    double LoadAverage)
{
    /// <summary>Reads the machine's description now.</summary>
    public static MachineInfo Detect()
    {
        var cpuInfo = ReadOrEmpty("/proc/cpuinfo");
        var flags = CpuInfoValue(cpuInfo, "flags").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var cpu = CpuInfoValue(cpuInfo, "model name");
        if (cpu.Length == 0)
        {
            cpu = RuntimeInformation.ProcessArchitecture.ToString();
        }

        // /proc/cpuinfo is authoritative on Linux (it shows what the hypervisor exposes); the .NET
        // intrinsics checks cover other systems.
        var hasFlags = flags.Count > 0;
        return new MachineInfo(
            cpu,
            Environment.ProcessorCount,
            RuntimeInformation.OSDescription,
            RuntimeInformation.ProcessArchitecture.ToString(),
            RuntimeInformation.FrameworkDescription,
            OrtEnv.Instance().GetVersionString(),
            hasFlags ? flags.Contains("avx2") : System.Runtime.Intrinsics.X86.Avx2.IsSupported,
            hasFlags ? flags.Contains("avx512f") : System.Runtime.Intrinsics.X86.Avx512F.IsSupported,
            hasFlags ? flags.Contains("avx512_vnni") || flags.Contains("avx_vnni") : System.Runtime.Intrinsics.X86.AvxVnni.IsSupported,
            ReadLoadAverage());
    }

    /// <summary>The 1-minute load average from /proc/loadavg, or NaN where there is none.</summary>
    public static double ReadLoadAverage()
    {
        var text = ReadOrEmpty("/proc/loadavg");
        var first = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first is not null && double.TryParse(first, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var load)
            ? load
            : double.NaN;
    }

    /// <summary>One line for people: CPU, cores, ISA flags, OS, runtimes, load.</summary>
    public override string ToString()
    {
        var isa = string.Join(' ', new[] { Avx2 ? "AVX2" : null, Avx512F ? "AVX-512F" : null, Vnni ? "VNNI" : null }.Where(s => s is not null));
        var load = double.IsNaN(LoadAverage) ? "unknown" : FormattableString.Invariant($"{LoadAverage:0.00}");
        return FormattableString.Invariant(
            $"{Cpu}, {LogicalCores} cores ({Architecture}; {(isa.Length == 0 ? "no AVX2/AVX-512/VNNI" : isa)}) | {OperatingSystem} | {DotNet} | ONNX Runtime {OnnxRuntime} | load {load} at start");
    }

    /// <summary>Writes the machine as a JSON object.</summary>
    /// <param name="writer">The writer, positioned where a value may go.</param>
    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("cpu", Cpu);
        writer.WriteNumber("logicalCores", LogicalCores);
        writer.WriteString("os", OperatingSystem);
        writer.WriteString("architecture", Architecture);
        writer.WriteString("dotnet", DotNet);
        writer.WriteString("onnxRuntime", OnnxRuntime);
        writer.WriteBoolean("avx2", Avx2);
        writer.WriteBoolean("avx512f", Avx512F);
        writer.WriteBoolean("vnni", Vnni);
        Json.WriteNumber(writer, "loadAverage1m", LoadAverage);
        writer.WriteEndObject();
    }

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private static string CpuInfoValue(string cpuInfo, string key)
    {
        foreach (var line in cpuInfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return string.Empty;
    }
}
