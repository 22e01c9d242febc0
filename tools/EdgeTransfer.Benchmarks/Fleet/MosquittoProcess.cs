using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeTransfer.Benchmarks.Fleet;

/// <summary>
/// A private Mosquitto on a free loopback port with a generated configuration (anonymous, no persistence),
/// for the fleet benchmark and the fleet tool's tests. Never the system service. Killed on dispose.
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    /// <summary>Where Debian's package puts the broker.</summary>
    public const string DefaultBinary = "/usr/sbin/mosquitto";

    private readonly Process _process;
    private readonly string _directory;
    private int _disposed;

    private MosquittoProcess(Process process, string directory, int port, string version)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Version = version;
    }

    /// <summary>Whether <see cref="DefaultBinary"/> exists.</summary>
    public static bool IsInstalled => File.Exists(DefaultBinary);

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>The process id (for its CPU time in /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>The version line Mosquitto prints (<c>mosquitto version 2.0.11</c>).</summary>
    public string Version { get; }

    /// <summary>Starts Mosquitto and waits until it accepts TCP connections.</summary>
    /// <param name="binary">The broker binary; null for <see cref="DefaultBinary"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="InvalidOperationException">It did not start or listen within 10 s (its log is in the message).</exception>
    public static async Task<MosquittoProcess> StartAsync(string? binary = null, CancellationToken cancellationToken = default)
    {
        binary ??= DefaultBinary;
        var directory = Path.Combine(Path.GetTempPath(), "edgetransfer-mosquitto", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var log = Path.Combine(directory, "mosquitto.log");
        // max_queued_messages: a consumer that falls behind must not lose QoS 1 messages at bench rates.
        // user: as root Mosquitto would switch to the 'mosquitto' user, which cannot write our temp log.
        File.WriteAllText(Path.Combine(directory, "mosquitto.conf"), string.Join('\n',
            $"listener {port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            "max_queued_messages 100000",
            "max_connections -1",
            $"log_dest file {log}",
            "log_type error",
            "log_type warning",
            $"user {Environment.UserName}",
            ""));
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Path.Combine(directory, "mosquitto.conf"));
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{binary} did not start.");
        var broker = new MosquittoProcess(process, directory, port, ReadVersion(binary));
        try
        {
            // Bounded: 200 probes of 50 ms.
            for (var attempt = 0; attempt < 200; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"mosquitto exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync(cancellationToken)} {broker.Log()}");
                }

                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                    return broker;
                }
                catch (SocketException)
                {
                    await Task.Delay(50, cancellationToken);
                }
            }

            throw new InvalidOperationException($"mosquitto did not listen on 127.0.0.1:{port} within 10 s. {broker.Log()}");
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>The CPU time the broker process has used so far (user + system, from /proc), or null where unknown.</summary>
    public TimeSpan? CpuTime()
    {
        try
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The broker's log so far.</summary>
    public string Log()
    {
        var path = Path.Combine(_directory, "mosquitto.log");
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : "(no log)";
        }
        catch (IOException)
        {
            return "(log unreadable)";
        }
    }

    /// <summary>Kills the broker and deletes its directory. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static string ReadVersion(string binary)
    {
        try
        {
            var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("-h");
            using var process = Process.Start(info);
            if (process is null)
            {
                return "mosquitto";
            }

            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit(5000);
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "mosquitto";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "mosquitto";
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
