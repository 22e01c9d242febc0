using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Device.Tests;

/// <summary>The real <c>edgetransfer-device</c> program started as a child process, its output collected line by line.</summary>
internal sealed class DeviceProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _error = new();

    private DeviceProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _output.Enqueue(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _error.Enqueue(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output => string.Join('\n', _output);

    public string Error => string.Join('\n', _error);

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>edgetransfer-device</c> (built beside the tests) with <paramref name="arguments"/>.</summary>
    public static DeviceProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "edgetransfer-device.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing; build the test project.");
        var info = new ProcessStartInfo(ChildProcess.DotnetHost()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return new DeviceProcess(Process.Start(info)!);
    }

    /// <summary>Waits until a line of standard output starts with <paramref name="prefix"/>; fails if the program ends first.</summary>
    public void WaitForLine(string prefix, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!_output.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
        {
            Assert.False(_process.HasExited, $"the device exited with {(_process.HasExited ? _process.ExitCode : 0)} before printing '{prefix}'\n{this}");
            Assert.True(clock.Elapsed < timeout, $"no '{prefix}' line within {timeout}\n{this}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Sends a POSIX signal (<c>TERM</c>, <c>INT</c>) the way systemd and a terminal do.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("/bin/kill", [$"-{name}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits for the program to end (killing it after <paramref name="timeout"/>); true when it ended by itself.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (_process.WaitForExit(timeout))
        {
            _process.WaitForExit(); // drains the redirected output
            return true;
        }

        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        return false;
    }

    public override string ToString() => $"--- stdout\n{Output}\n--- stderr\n{Error}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
