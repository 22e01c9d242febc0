using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Mqtt.Tests.Infrastructure;

/// <summary>
/// A real Mosquitto on a free loopback port with a generated config, password file and ACL (the same
/// rules as devices/mosquitto/acl), persistence in a temp directory, and stop/kill/restart control.
/// Never the system service.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    public const string Binary = MosquittoFactAttribute.Binary;
    public const string PasswdTool = MosquittoFactAttribute.PasswdTool;
    public const string Password = "secret-for-tests";

    /// <summary>The fleet of device ids given without one.</summary>
    public const string DefaultFleet = "plant1";

    private readonly string _directory;
    private Process? _process;

    private MosquittoBroker(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public static bool IsAvailable => MosquittoFactAttribute.IsInstalled;

    public static string MissingReason => MosquittoFactAttribute.MissingReason;

    public int Port { get; }

    public string Directory => _directory;

    /// <summary>Users: "fleet" (fleet role) and, for each device id given, "plant1/{id}" (a given "fleet/device" as it is), all with <see cref="Password"/>.</summary>
    public static Task<MosquittoBroker> StartAsync(params string[] devices) => StartAsync(tls: false, devices);

    /// <summary>With <paramref name="tls"/>, the listener speaks TLS with a generated CA (<c>ca.crt</c> in <see cref="Directory"/>) and a certificate for "localhost".</summary>
    public static async Task<MosquittoBroker> StartAsync(bool tls, params string[] devices)
    {
        var directory = Path.Combine(Path.GetTempPath(), "edgetransfer-mosquitto", Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Path.Combine(directory, "data"));
        var passwd = Path.Combine(directory, "passwd");
        var first = true;
        foreach (var user in new[] { "fleet" }.Concat(devices.Select(UserOf)))
        {
            Run(PasswdTool, first ? ["-c", "-b", passwd, user, Password] : ["-b", passwd, user, Password]);
            first = false;
        }

        // The shipped ACL itself, so the tests check what a plant installs.
        File.Copy(Path.Combine(PretrainedModels.RepositoryRoot, "devices", "mosquitto", "acl"), Path.Combine(directory, "acl"));
        var broker = new MosquittoBroker(directory, FreePort());
        var tlsLines = tls ? TestCertificates.WriteBrokerFiles(directory) : "";
        File.WriteAllText(Path.Combine(directory, "mosquitto.conf"), $"""
            per_listener_settings false
            listener {broker.Port} 127.0.0.1
            {tlsLines}
            allow_anonymous false
            password_file {passwd}
            acl_file {Path.Combine(directory, "acl")}
            persistence true
            persistence_location {Path.Combine(directory, "data")}/
            max_queued_messages 100000
            log_dest file {Path.Combine(directory, "mosquitto.log")}
            log_type error
            log_type warning
            log_type notice
            log_type information
            user {Environment.UserName}
            """);
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>The broker user of a device: "{fleet}/{device}", as the shipped ACL expects.</summary>
    public static string UserOf(string device) => device.Contains('/', StringComparison.Ordinal) ? device : $"{DefaultFleet}/{device}";

    public async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Path.Combine(_directory, "mosquitto.conf"));
        _process = Process.Start(info)!;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()} {Log()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"mosquitto did not listen on {Port}: {Log()}");
    }

    /// <summary>SIGTERM: mosquitto saves its persistence database and exits.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Run("/bin/kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>SIGKILL.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public string Log()
    {
        var path = Path.Combine(_directory, "mosquitto.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no log)";
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        }
    }
}
