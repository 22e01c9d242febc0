using System.Text;
using System.Text.Json;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Mqtt.Tests.Infrastructure;

namespace EdgeTransfer.Agent.Tests.Infrastructure;

/// <summary>The fleet role in tests: a connection with user "fleet", a sink of everything the device publishes, typed commands.</summary>
internal sealed class Fleet : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private Fleet(MqttConnection connection, MessageSink sink)
    {
        Connection = connection;
        Sink = sink;
    }

    public MqttConnection Connection { get; }

    public MessageSink Sink { get; }

    /// <summary>Connects and subscribes to everything <paramref name="device"/> publishes (status, telemetry, events, training, replies).</summary>
    public static async Task<Fleet> ConnectAsync(int port, string passwordFile, string device, string? clientId = null)
    {
        var sink = new MessageSink();
        var connection = new MqttConnection(new MqttConnectionOptions
        {
            Role = ConnectionRole.Fleet,
            Port = port,
            Fleet = DeviceUnderTest.Fleet,
            ClientId = clientId,
            Username = "fleet",
            PasswordFile = passwordFile,
            KeepAlive = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(3),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(800),
        })
        {
            MessageHandler = sink.HandleAsync,
        };
        await connection.StartAsync();
        using var timeout = new CancellationTokenSource(Wait);
        await connection.WaitConnectedAsync(timeout.Token);
        // Not ".../#": that would bring the fleet's own cmd/ publications back to it.
        foreach (var kind in new[] { "status", "telemetry", "events", "training", "reply/#" })
        {
            await connection.SubscribeAsync($"{DeviceTopic.Prefix}/{DeviceUnderTest.Fleet}/{device}/{kind}");
        }

        return new Fleet(connection, sink);
    }

    public async Task<CommandReplyMessage> AskAsync<TRequest>(string device, string name, TRequest request)
        where TRequest : CommandRequest
    {
        return await Connection.SendCommandAsync(device, name, request, Wait);
    }

    public async Task<JsonElement> OkAsync<TRequest>(string device, string name, TRequest request)
        where TRequest : CommandRequest
    {
        var reply = await AskAsync(device, name, request);
        Assert.True(reply.Ok, $"{name}: {reply.Error?.Code} {reply.Error?.Message}");
        return reply.Result ?? default;
    }

    public Task<JsonElement> StatusAsync(string device) => OkAsync(device, "status", new StatusRequest { Schema = DeviceMessage.SchemaVersion });

    /// <summary>Frames inspected, from a status reply over the broker.</summary>
    public async Task<long> FramesAsync(string device) => (await StatusAsync(device)).GetProperty("inspection").GetProperty("frames").GetInt64();

    public static string Text(ReceivedMessage message) => Encoding.UTF8.GetString(message.Payload.Span);

    public static JsonElement Json(ReceivedMessage message) => JsonDocument.Parse(message.Payload).RootElement.Clone();

    public static bool Is(ReceivedMessage message, string device, TopicKind kind) =>
        message.DeviceTopic is { } topic && topic.Device == device && topic.Kind == kind;

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
