using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Loading;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests.Infrastructure;

/// <summary>
/// A device folder (device.json with an mqtt section, state) on the synthetic line, opened in process with a running
/// <see cref="DeviceAgent"/> — the same wiring as <c>edgetransfer-device run</c>, with fast reconnects.
/// </summary>
internal sealed class DeviceUnderTest : IAsyncDisposable
{
    public const string Fleet = "lab";

    private readonly TempDirectory _dir = new();

    private readonly bool _inspect;

    private readonly Microsoft.Extensions.Logging.ILoggerFactory _loggers;

    private DeviceUnderTest(string id, bool inspect)
    {
        Id = id;
        _inspect = inspect;
        ConfigPath = _dir.Combine("device.json");
        _loggers = Logs.CreateFactory();
    }

    /// <summary>What the host, the agent and the MQTT connection logged (all program lives of this device).</summary>
    public InMemoryLoggerProvider Logs { get; } = new();

    public string Id { get; }

    public string ConfigPath { get; }

    public string StateDirectory => _dir.Combine("state");

    /// <summary>A path in the device folder.</summary>
    public string Combine(params string[] parts) => _dir.Combine(parts);

    public DeviceAgent Agent { get; private set; } = null!;

    /// <summary>Writes device.json for <paramref name="id"/> reporting to <paramref name="port"/>.</summary>
    /// <remarks>inspection: the <c>inspection</c> section as JSON, or null for the defaults.</remarks>
    public static string WriteConfig(string path, string id, string bundleDirectory, int port, string passwordFile, int telemetrySeconds = 30, int eventsEvery = 100, string? inspection = null)
    {
        var inspectionSection = inspection is null ? "" : $"\"inspection\": {inspection},";
        File.WriteAllText(path, $$"""
            {
              "device": { "id": "{{id}}", "fleet": "{{Fleet}}" },
              "bundle": { "path": "{{bundleDirectory}}" },
              "executionProvider": { "intraOpThreads": 1 },
              "source": { "kind": "synthetic", "synthetic": { "seed": 3, "rate": 40 } },
              "trigger": { "kind": "free-running", "freeRunning": { "fps": 40 } },
              "training": { "epochs": 8 },
              "store": { "path": "state" },
              {{inspectionSection}}
              "mqtt": {
                "host": "127.0.0.1", "port": {{port}},
                "username": "{{Fleet}}/{{id}}", "passwordFile": "{{passwordFile}}",
                "telemetryIntervalSeconds": {{telemetrySeconds}},
                "events": { "every": {{eventsEvery}}, "rejects": false }
              }
            }
            """);
        return path;
    }

    // inspect: false for a device that has seen no frame yet (inspection never started).
    public static async Task<DeviceUnderTest> StartAsync(AgentEnvironment environment, string id, int? port = null, int telemetrySeconds = 30, int eventsEvery = 100, bool inspect = true, string? inspection = null)
    {
        var device = new DeviceUnderTest(id, inspect);
        WriteConfig(device.ConfigPath, id, environment.BundleDirectory, port ?? environment.Broker!.Port, environment.PasswordFile, telemetrySeconds, eventsEvery, inspection);
        await device.OpenAsync();
        return device;
    }

    /// <summary>Opens the host on the bundle in service, starts inspecting and the agent, and waits for the first connect.</summary>
    public async Task OpenAsync()
    {
        var configured = DeviceConfigFile.Load(ConfigPath);
        var host = Runtime.Hosting.DeviceHost.Open(DeployedBundles.Resolve(configured), _loggers);
        if (_inspect)
        {
            host.StartInspection();
        }

        Agent = new DeviceAgent(host, new DeviceAgentOptions
        {
            StateDirectory = configured.Store.Path,
            AppVersion = "9.9.9-test",
            KeepAlive = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(3),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(800),
            MaxChunkSize = 1024 * 1024,
        }, _loggers);
        await Agent.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Agent.Connection.WaitConnectedAsync(timeout.Token);
    }

    /// <summary>Stops the device program (clean shutdown) and starts it again on the same folder.</summary>
    /// <param name="whileStopped">Changes the device folder while the program is not running (the state a crash leaves).</param>
    public async Task RestartAsync(Action? whileStopped = null)
    {
        await Agent.DisposeAsync();
        whileStopped?.Invoke();
        await OpenAsync();
    }

    /// <summary>Frames inspected so far, read in process (the MQTT tests read them from status replies as well).</summary>
    public long Frames => Agent.BuildStatus().Inspection?.Frames ?? 0;

    public async Task WaitForFramesAsync(long atLeast, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Frames < atLeast)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Id} inspected {Frames} frames, expected at least {atLeast} within {timeout}.");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        _loggers.Dispose();
        _dir.Dispose();
    }
}
