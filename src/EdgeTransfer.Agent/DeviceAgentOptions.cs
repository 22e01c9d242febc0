using System.Reflection;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Inspection;
using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Agent;

/// <summary>
/// Settings of a <see cref="DeviceAgent"/> beyond <c>device.json</c> (which gives the broker, ids, telemetry
/// interval, event sampling and outbox bounds). Checked by <see cref="DeviceAgentOptionsValidator"/> when the agent is made.
/// </summary>
public sealed class DeviceAgentOptions
{
    /// <summary>
    /// The device's state root: the sequence counter and outbox (<c>mqtt/</c>), the deployment staging area and
    /// deployed bundles (<c>bundles/</c>) live under it. Null for the store path of the host's <c>device.json</c>;
    /// pass the configured path when the host was opened on a deployed bundle (see <see cref="DeployedBundles.Resolve"/>).
    /// </summary>
    public string? StateDirectory { get; set; }

    /// <summary>The program version announced in the birth. Default: the entry assembly's informational version.</summary>
    public string AppVersion { get; set; } = DefaultAppVersion();

    /// <summary>Keep-alive of the broker connection (MQTT 5 §3.1.2.10). Default 15 s.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one connect attempt may take. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The first reconnect delay (doubling with jitter). Default 1 s.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnect delay. Default 60 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The largest deployment chunk accepted, 1 KiB to 1 MiB. Default 1 MiB, so that the fleet tool's default 256 KiB
    /// chunks fit the <c>deploy-chunk</c> body limit with room to spare (JSON may escape base64's '+' as six characters).
    /// </summary>
    public int MaxChunkSize { get; set; } = BundleChunker.MaxChunkSize;

    /// <summary>The largest bundle archive accepted, in bytes. Default 1 GiB.</summary>
    public long MaxBundleBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Starts inspection on a host opened for a deployed bundle (when the previous one was inspecting). Null for
    /// <see cref="DeviceHost.StartInspection"/> with the configured source, trigger and reject line.
    /// </summary>
    public Func<DeviceHost, InspectionLoop>? StartInspection { get; set; }

    private static string DefaultAppVersion()
    {
        var assembly = Assembly.GetEntryAssembly() ?? typeof(DeviceAgentOptions).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";

        // The SDK appends "+<commit>"; the birth carries the release only.
        return version.Split('+', 2)[0];
    }
}
