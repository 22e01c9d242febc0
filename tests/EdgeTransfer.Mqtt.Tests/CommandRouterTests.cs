using System.Text;
using System.Text.Json;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Mqtt.Tests;

public sealed class CommandRouterTests : IDisposable
{
    private const string ReplyTopic = "edgetransfer/v1/plant1/d1/reply/";
    private readonly TempDirectory _temp = new();
    private readonly TestDevice _device;

    public CommandRouterTests() => _device = new TestDevice("d1", _temp.Combine("staging"));

    public static TheoryData<string> BadPayloadNames => [.. BadPayloads.All.Select(b => b.Name)];

    public void Dispose()
    {
        _device.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Catalogue_HasAtLeastTwentyKinds() => Assert.True(BadPayloads.All.Count >= 20);

    [Theory]
    [MemberData(nameof(BadPayloadNames))]
    public async Task Dispatch_RepliesWithATypedError_AndChangesNothing(string name)
    {
        // Given a malformed request
        var bad = BadPayloads.All.Single(b => b.Name == name);

        // When it is dispatched
        var dispatch = await _device.Router.DispatchAsync(ToIncoming(bad), CancellationToken.None);

        // Then one error reply names the problem, and no handler ran
        Assert.False(dispatch.Reply.Ok);
        Assert.Equal(bad.Code, dispatch.Reply.Error!.Code);
        if (bad.Mentions is { } mention)
        {
            Assert.Contains(mention, dispatch.Reply.Error.Message, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(0, _device.Changes);
        Assert.StartsWith(ReplyTopic, dispatch.ReplyTopic, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_RunsTheHandler_WithTheTypedRequest()
    {
        var command = Incoming("train", """{"schema":"edgetransfer/v1","epochs":20,"learningRate":0.01,"ts":"2026-11-26T03:15:00Z"}""");

        var dispatch = await _device.Router.DispatchAsync(command, CancellationToken.None);

        Assert.True(dispatch.Reply.Ok, dispatch.Reply.Error?.Message);
        Assert.Equal(20, _device.LastTrain!.Epochs);
        Assert.Equal(0.01, _device.LastTrain.LearningRate);
        Assert.Equal(ReplyTopic + "train", dispatch.ReplyTopic);
        Assert.Equal(command.CorrelationData!.Value.ToArray(), dispatch.CorrelationData);
    }

    [Fact]
    public async Task Dispatch_ReturnsTheHandlersResult()
    {
        var dispatch = await _device.Router.DispatchAsync(Incoming("status", """{"schema":"edgetransfer/v1"}"""), CancellationToken.None);

        Assert.True(dispatch.Reply.Ok);
        Assert.Equal("online", dispatch.Reply.Result!.Value.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Config_AcceptsAllowListedKeysWithinRange()
    {
        var dispatch = await _device.Router.DispatchAsync(Incoming("config", """{"schema":"edgetransfer/v1","set":{"inspection.threshold":0.7,"telemetry.intervalSeconds":10}}"""), CancellationToken.None);

        Assert.True(dispatch.Reply.Ok, dispatch.Reply.Error?.Message);
        Assert.Equal(1, _device.Changes);
    }

    [Fact]
    public async Task Handler_CommandException_BecomesTheErrorReply()
    {
        using var router = new CommandRouter("plant1", "d1");
        router.Register("rollback", Protocol.ProtocolJson.InfoOf<RollbackRequest>(), (r, c, t) =>
            throw new CommandException(CommandErrorCodes.NotFound, "headVersion", $"headVersion: no head {r.HeadVersion} is stored."));

        var dispatch = await router.DispatchAsync(Incoming("rollback", """{"schema":"edgetransfer/v1","headVersion":9}"""), CancellationToken.None);

        Assert.Equal(("not_found", "headVersion"), (dispatch.Reply.Error!.Code, dispatch.Reply.Error.Field));
    }

    [Fact]
    public void Register_RefusesDuplicatesAndBadNames()
    {
        Assert.Throws<InvalidOperationException>(() => _device.Router.Register("status", Protocol.ProtocolJson.InfoOf<StatusRequest>(), (r, c, t) => ValueTask.FromResult(CommandResult.Empty)));
        Assert.Throws<InvalidSettingException>(() => _device.Router.Register("../x", Protocol.ProtocolJson.InfoOf<StatusRequest>(), (r, c, t) => ValueTask.FromResult(CommandResult.Empty)));
    }

    [Fact]
    public void Reply_SerializesOkAndError()
    {
        var json = Encoding.UTF8.GetString(Protocol.ProtocolJson.Serialize(new CommandReplyMessage
        {
            Seq = 5,
            Command = "train",
            Error = new CommandError { Code = "out_of_range", Message = "epochs: …", Field = "epochs" },
        }));

        using var document = JsonDocument.Parse(json);
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("out_of_range", document.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    internal static IncomingCommand ToIncoming(BadPayload bad) => new()
    {
        Topic = $"edgetransfer/v1/plant1/d1/cmd/{bad.Command}",
        Payload = bad.Payload,
        ResponseTopic = bad.ResponseTopic switch
        {
            null => ReplyTopic + (Protocol.ProtocolIds.IsValidCommandName(bad.Command) ? bad.Command : "x"),
            "" => null,
            var other => other,
        },
        CorrelationData = bad.NoCorrelation ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(new byte[bad.CorrelationBytes]),
        ContentType = bad.ContentType,
    };

    private static IncomingCommand Incoming(string name, string json) => new()
    {
        Topic = $"edgetransfer/v1/plant1/d1/cmd/{name}",
        Payload = Encoding.UTF8.GetBytes(json),
        ResponseTopic = ReplyTopic + name,
        CorrelationData = Guid.NewGuid().ToByteArray(),
    };
}
