using System.Diagnostics;

namespace EdgeTransfer.Agent.Publishing;

/// <summary>CPU use between two samples and the resident set size of this process, for telemetry.</summary>
internal sealed class ProcessSampler
{
    private readonly TimeProvider _time;
    private TimeSpan _lastCpu;
    private long _lastTimestamp;

    public ProcessSampler(TimeProvider time)
    {
        _time = time;
        using var process = Process.GetCurrentProcess();
        _lastCpu = process.TotalProcessorTime;
        _lastTimestamp = time.GetTimestamp();
    }

    /// <summary>CPU in percent of one core since the previous call, and the RSS in bytes.</summary>
    public (double CpuPercent, long RssBytes) Sample()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var now = _time.GetTimestamp();
        var wall = _time.GetElapsedTime(_lastTimestamp, now);
        var percent = wall > TimeSpan.Zero ? (cpu - _lastCpu).TotalMilliseconds / wall.TotalMilliseconds * 100 : 0;
        _lastCpu = cpu;
        _lastTimestamp = now;
        return (Math.Round(Math.Max(0, percent), 1), process.WorkingSet64);
    }
}
