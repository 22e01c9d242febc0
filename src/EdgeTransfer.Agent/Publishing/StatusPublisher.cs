using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Agent.Publishing;

/// <summary>
/// The retained <c>status</c> topic: the birth the connection sends on every connect (versions, execution provider),
/// and a fresh retained status after a change of bundle, head or anomaly model.
/// </summary>
/// <param name="hosts">The host in service.</param>
/// <param name="connection">The broker connection.</param>
/// <param name="appVersion">The program version the birth announces.</param>
/// <param name="time">The clock of the message timestamps.</param>
/// <param name="logger">Where a status that could not be published is logged.</param>
internal sealed class StatusPublisher(HostInService hosts, MqttConnection connection, string appVersion, TimeProvider time, ILogger logger)
{
    private static readonly Lazy<string?> OnnxRuntimeVersion = new(() =>
    {
        try
        {
            return Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();
        }
        catch (Exception ex) when (ex is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or DllNotFoundException or TypeInitializationException)
        {
            return null;
        }
    });

    /// <summary>The birth of the device as it is now (the connection stamps the sequence number and time).</summary>
    public StatusMessage Birth()
    {
        var host = hosts.Current;
        return new StatusMessage
        {
            State = DeviceState.Online,
            Versions = Versions(host),
            ExecutionProvider = ProviderName(host.Pipeline.Backbone.ExecutionProvider),
        };
    }

    /// <summary>What runs on <paramref name="host"/>: program, ONNX Runtime, bundle, head and anomaly model.</summary>
    public DeviceVersions Versions(DeviceHost host) => new()
    {
        App = appVersion,
        OnnxRuntime = OnnxRuntimeVersion.Value,
        Bundle = host.Bundle.BundleId,
        Head = host.Heads.Current?.Number,
        Anomaly = host.Anomaly.Registry.Current?.Name,
    };

    /// <summary>The execution provider's name on the wire.</summary>
    public static string ProviderName(ExecutionProviderKind kind) => kind switch
    {
        ExecutionProviderKind.Cuda => "cuda",
        ExecutionProviderKind.DirectML => "directml",
        _ => "cpu",
    };

    /// <summary>Publishes the retained status again, when connected; a failure is logged (the next connect announces it).</summary>
    public async Task PublishAsync()
    {
        // The retained birth tells late subscribers what runs; after a deployment or a new head it is out of date.
        // Only while connected: a number taken for a message that cannot go out would look like a loss.
        if (!connection.IsConnected || connection.Sequence is not { } sequence)
        {
            return;
        }

        var status = Birth() with { Seq = sequence.Next(), Ts = time.GetUtcNow() };
        try
        {
            var topic = DeviceTopic.For(connection.Options.Fleet, connection.Options.DeviceId!, TopicKind.Status).ToString();
            await connection.PublishAsync(topic, ProtocolJson.Serialize(status), new PublishSettings { Retain = true });
        }
        catch (BrokerConnectionException ex)
        {
            AgentLog.TelemetryFailed(logger, ex, "the updated status could not be published; the next connect announces it");
        }
    }
}
