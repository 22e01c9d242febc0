using System.Text;
using EdgeTransfer.Agent.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests;

/// <summary>Malformed, oversized, out-of-range and unknown requests against the running device: an error reply each, nothing changed, inspection goes on.</summary>
[Collection(AgentTestGroup.Name)]
public sealed class AgentBadPayloadTests(AgentEnvironment environment)
{
    private const string Id = "d-bad";

    private static byte[] U(string text) => Encoding.UTF8.GetBytes(text);

    private static string V(string body) => "{\"schema\":\"edgetransfer/v1\"" + (body.Length > 0 ? "," + body : "") + "}";

    /// <summary>(name, command, payload, expected code, response topic override, correlation bytes, content type).</summary>
    private static readonly (string Name, string Command, byte[] Payload, string Code, string? ResponseTopic, int Correlation, string? ContentType)[] Cases =
    [
        ("invalid JSON", "train", U("{\"schema\":"), CommandErrorCodes.InvalidJson, null, 16, null),
        ("trailing garbage", "train", U(V("") + " x"), CommandErrorCodes.InvalidJson, null, 16, null),
        ("comment in JSON", "status", U("{/*x*/\"schema\":\"edgetransfer/v1\"}"), CommandErrorCodes.InvalidJson, null, 16, null),
        ("text for a number", "train", U(V("\"epochs\":\"ten\"")), CommandErrorCodes.WrongType, null, 16, null),
        ("fraction for a whole number", "train", U(V("\"epochs\":2.5")), CommandErrorCodes.WrongType, null, 16, null),
        ("huge number", "train", U(V("\"epochs\":99999999999999999999999")), CommandErrorCodes.OutOfRange, null, 16, null),
        ("negative epochs", "train", U(V("\"epochs\":-5")), CommandErrorCodes.OutOfRange, null, 16, null),
        ("zero batch size", "train", U(V("\"batchSize\":0")), CommandErrorCodes.OutOfRange, null, 16, null),
        ("learning rate above 1", "train", U(V("\"learningRate\":3")), CommandErrorCodes.OutOfRange, null, 16, null),
        ("NaN literal", "train", U(V("\"learningRate\":NaN")), CommandErrorCodes.InvalidJson, null, 16, null),
        ("seed beyond 32 bits", "train", U(V("\"seed\":9999999999")), CommandErrorCodes.OutOfRange, null, 16, null),
        ("time before 2000", "train", U(V("\"ts\":\"1969-12-31T23:59:59Z\"")), CommandErrorCodes.OutOfRange, null, 16, null),
        ("path traversal in label", "label", U(V("\"label\":\"../../etc/passwd\"")), CommandErrorCodes.InvalidValue, null, 16, null),
        ("label that is not a class", "label", U(V("\"label\":\"crack\"")), CommandErrorCodes.InvalidValue, null, 16, null),
        ("frame that is gone", "label", U(V("\"label\":\"good\",\"frameId\":0")), CommandErrorCodes.NotFound, null, 16, null),
        ("path traversal in deployment id", "deploy-chunk", U(V("\"deploymentId\":\"..\",\"index\":0,\"data\":\"AA==\"")), CommandErrorCodes.InvalidValue, null, 16, null),
        ("chunk of an unknown deployment", "deploy-chunk", U(V("\"deploymentId\":\"nope\",\"index\":0,\"data\":\"AA==\"")), CommandErrorCodes.NotFound, null, 16, null),
        // (a 10 MB body is larger than the packet limit the device announces: the broker never delivers it)
        ("1 MB payload, over the label limit", "label", new byte[1024 * 1024], CommandErrorCodes.PayloadTooLarge, null, 16, null),
        ("unknown command", "selfdestruct", U(V("")), CommandErrorCodes.UnknownCommand, null, 16, null),
        ("wrong schema version", "status", U("{\"schema\":\"edgetransfer/v2\"}"), CommandErrorCodes.UnsupportedSchema, null, 16, null),
        ("missing schema", "status", U("{}"), CommandErrorCodes.MissingField, null, 16, null),
        ("missing required field", "label", U(V("")), CommandErrorCodes.MissingField, null, 16, null),
        ("null for a required field", "label", U(V("\"label\":null")), CommandErrorCodes.WrongType, null, 16, null),
        ("unknown field", "train", U(V("\"epochz\":3")), CommandErrorCodes.UnknownField, null, 16, null),
        ("duplicate keys", "train", U(V("\"epochs\":3,\"epochs\":400")), CommandErrorCodes.DuplicateKey, null, 16, null),
        ("deeply nested JSON", "config", U(V("\"set\":{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}")), CommandErrorCodes.TooDeep, null, 16, null),
        ("empty payload", "status", [], CommandErrorCodes.EmptyPayload, null, 16, null),
        ("non-UTF-8 bytes", "label", [.. U("{\"schema\":\"edgetransfer/v1\",\"label\":\""), 0xC3, 0x28, 0xFF, .. U("\"}")], CommandErrorCodes.NotUtf8, null, 16, null),
        ("array instead of object", "status", U("[1,2]"), CommandErrorCodes.WrongType, null, 16, null),
        ("unknown enum value", "collect", U(V("\"action\":\"explode\"")), CommandErrorCodes.InvalidValue, null, 16, null),
        ("collect without a label", "collect", U(V("\"action\":\"start\"")), CommandErrorCodes.MissingField, null, 16, null),
        ("config key off the allow-list (a path)", "config", U(V("\"set\":{\"store.path\":\"/tmp/evil\"}")), CommandErrorCodes.ConfigKeyNotAllowed, null, 16, null),
        ("config value out of range", "config", U(V("\"set\":{\"telemetry.intervalSeconds\":0}")), CommandErrorCodes.OutOfRange, null, 16, null),
        ("config value of the wrong type", "config", U(V("\"set\":{\"inspection.paused\":\"yes\"}")), CommandErrorCodes.WrongType, null, 16, null),
        ("config with one bad key among good ones", "config", U(V("\"set\":{\"events.every\":1,\"mqtt.host\":\"evil\"}")), CommandErrorCodes.ConfigKeyNotAllowed, null, 16, null),
        ("preview smaller than 8", "preview", U(V("\"size\":7")), CommandErrorCodes.OutOfRange, null, 16, null),
        ("preview larger than 96", "preview", U(V("\"size\":97")), CommandErrorCodes.OutOfRange, null, 16, null),
        ("preview size as text", "preview", U(V("\"size\":\"big\"")), CommandErrorCodes.WrongType, null, 16, null),
        ("rollback to a head that does not exist", "rollback", U(V("\"headVersion\":42")), CommandErrorCodes.NotFound, null, 16, null),
        ("wrong content type", "status", U(V("")), CommandErrorCodes.WrongContentType, null, 16, "text/plain"),
        ("missing correlation data", "status", U(V("")), CommandErrorCodes.MissingCorrelationData, null, 0, null),
        ("oversized correlation data", "status", U(V("")), CommandErrorCodes.MissingCorrelationData, null, 200, null),
        ("missing response topic", "status", U(V("")), CommandErrorCodes.MissingResponseTopic, "", 16, null),
        ("response topic of another device", "status", U(V("")), CommandErrorCodes.InvalidResponseTopic, "edgetransfer/v1/lab/d-cmd/reply/status", 16, null),
    ];

    [MosquittoFact]
    public async Task BadPayloads_EachGetAnErrorReply_AndTheDeviceKeepsInspecting()
    {
        await using var device = await DeviceUnderTest.StartAsync(environment, Id);
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, Id);
        await device.WaitForFramesAsync(3, Fleet.Wait);
        var before = await fleet.StatusAsync(Id);
        var framesBefore = before.GetProperty("inspection").GetProperty("frames").GetInt64();
        var replyPrefix = $"{DeviceTopic.Prefix}/{DeviceUnderTest.Fleet}/{Id}/reply/";
        var failures = new List<string>();

        var number = 0;
        foreach (var (name, command, payload, code, responseTopic, correlationBytes, contentType) in Cases)
        {
            number++;
            // When the request is published with the MQTT 5 properties of the case
            var correlation = correlationBytes == 0 ? null : Enumerable.Range(0, correlationBytes).Select(i => (byte)(i + number)).ToArray();
            var topic = $"{DeviceTopic.Prefix}/{DeviceUnderTest.Fleet}/{Id}/cmd/{command}";
            var replyTopic = responseTopic ?? replyPrefix + command;
            var seen = fleet.Sink.Snapshot().Count;
            await fleet.Connection.PublishAsync(topic, payload, new PublishSettings
            {
                ResponseTopic = replyTopic.Length == 0 ? null : replyTopic,
                CorrelationData = correlation,
                ContentType = contentType ?? ProtocolJson.ContentType,
            });

            // Then exactly one error reply with the expected code arrives on this device's reply subtree
            // Matched by correlation data: the broker may deliver a reply once per overlapping subscription.
            var echoed = correlation is { Length: <= 64 } ? correlation : null;
            bool IsReply(ReceivedMessage m) => m.Topic.StartsWith(replyPrefix, StringComparison.Ordinal) && Fleet.Is(m, Id, TopicKind.Reply)
                && (echoed is null ? m.CorrelationData is null : m.CorrelationData is { } c && c.Span.SequenceEqual(echoed));
            await fleet.Sink.WaitUntilAsync(all => all.Skip(seen).Any(IsReply), Fleet.Wait);
            var reply = fleet.Sink.Snapshot().Skip(seen).First(IsReply);
            var message = ProtocolJson.Deserialize<CommandReplyMessage>(reply.Payload.Span);
            if (message.Ok || message.Error?.Code != code)
            {
                failures.Add($"{name}: expected {code}, got {(message.Ok ? "ok" : message.Error?.Code + " " + message.Error?.Message)}");
            }
        }

        Assert.True(Cases.Length >= 20);
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // And nothing changed, while the line kept being inspected
        var after = await fleet.StatusAsync(Id);
        Assert.Equal(0, after.GetProperty("storeSamples").GetInt32());
        Assert.Equal(1, after.GetProperty("head").GetProperty("version").GetInt64());
        Assert.Null(after.TryGetProperty("collecting", out var collecting) ? collecting.GetString() : null);
        Assert.Equal(30, after.GetProperty("config").GetProperty("telemetryIntervalSeconds").GetInt32());
        Assert.Equal(100, after.GetProperty("config").GetProperty("eventsEvery").GetInt32());
        Assert.False(after.GetProperty("inspection").GetProperty("paused").GetBoolean());
        Assert.Equal(before.GetProperty("versions").GetProperty("bundle").GetString(), after.GetProperty("versions").GetProperty("bundle").GetString());
        var framesAfter = after.GetProperty("inspection").GetProperty("frames").GetInt64();
        Assert.True(framesAfter > framesBefore, $"frames {framesBefore} → {framesAfter}");
        await device.WaitForFramesAsync(framesAfter + 5, Fleet.Wait);
    }
}
