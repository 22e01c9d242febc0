using System.Globalization;

namespace EdgeTransfer.Fuzzing;

/// <summary>The process's peak resident set (Linux <c>VmHWM</c>), reset per surface so each reports its own peak.</summary>
internal static class PeakMemory
{
    /// <summary>Resets the peak to the current resident set (<c>echo 5 &gt; /proc/self/clear_refs</c>, Linux 4.0+); nothing elsewhere.</summary>
    public static void Reset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The peak resident set in bytes since the last reset, or 0 where the kernel does not say.</summary>
    public static long Read()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
