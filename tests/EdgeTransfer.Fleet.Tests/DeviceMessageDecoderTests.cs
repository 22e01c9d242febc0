using System.Text;
using EdgeTransfer.Fleet.Wire;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet.Tests;

/// <summary>The decoder the fleet view and the console share: typed messages from what devices publish, or why not.</summary>
public class DeviceMessageDecoderTests
{
    private readonly DeviceMessageDecoder _decoder = new();

    [Fact]
    public void Decode_ReadsWhatTheDeviceWrites_ForEveryKindOfMessage()
    {
        // Given each message kind as the device library serialises it
        var ts = new DateTimeOffset(2026, 11, 26, 3, 15, 0, TimeSpan.Zero);
        DeviceMessage[] written =
        [
            new StatusMessage { State = DeviceState.Online, Versions = new DeviceVersions { App = "1.4.0", Bundle = "line3", Head = 7, Anomaly = "a0002" }, ExecutionProvider = "cpu", Seq = 1, Ts = ts },
            new TelemetryMessage { Frames = 40, Verdicts = new() { ["good"] = 38, ["dent"] = 2 }, LatencyMs = new LatencyPercentiles { P50 = 12.5, P95 = 19.8, P99 = 25 }, CpuPercent = 31, Seq = 2, Ts = ts },
            new InspectionEvent { FrameId = 9, Verdict = "dent", Confidence = 0.91, Rejected = true, LatencyMs = 17.25, HeadVersion = 7, AnomalyScore = 0.7, Seq = 3, Ts = ts },
            new TrainingProgressMessage { RunId = "r-1", Epoch = 2, Epochs = 3, Loss = 0.4, Accuracy = 0.8, Seq = 4, Ts = ts },
            new TrainingResult { RunId = "r-1", Outcome = PromotionOutcome.Rejected, HeadVersion = 7, Accuracy = 0.5, Reason = "worse than v7", DurationSeconds = 1.5, Seq = 5, Ts = ts },
            new FitProgress { RunId = "f-1", Stage = "coreset", Done = 3, Total = 10, Seq = 6, Ts = ts },
            new FitResult { RunId = "f-1", Outcome = PromotionOutcome.Promoted, AnomalyModel = "a0003", ImageAuroc = 0.875, GoodImages = 60, Seq = 7, Ts = ts },
        ];

        foreach (var message in written)
        {
            // When the decoder reads it
            var decoded = _decoder.Decode(TopicOf(message), Serialize(message));

            // Then it gets the same message back, envelope included
            Assert.Null(decoded.Error);
            Assert.Equal(message.Seq, decoded.Seq);
            Assert.Equal(ts, decoded.Ts);
            Assert.Equal(Normalise(message), Normalise(decoded.Message!));
        }
    }

    [Fact]
    public void Decode_IgnoresUnknownFields_ButRefusesAWrongValue_KeepingTheEnvelope()
    {
        // Given an event of a newer device (an extra field) and one with an impossible value
        var newer = _decoder.Decode(Topic(TopicKind.Events), Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1","seq":4,"frameId":7,"verdict":"dent","heatmap":[1,2]}"""));
        var wrong = _decoder.Decode(Topic(TopicKind.Status), Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1","seq":5,"state":"sleeping"}"""));

        // Then the first is read, the second refused with a reason, and both keep their seq for gap accounting
        Assert.Equal("dent", Assert.IsType<InspectionEvent>(newer.Message).Verdict);
        Assert.Null(wrong.Message);
        Assert.Contains("\"sleeping\" is not online or offline", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(5, wrong.Seq);
    }

    [Theory]
    [InlineData("{not json", "not JSON")]
    [InlineData("[1]", "expected a JSON object")]
    [InlineData("""{"seq":1,"state":"online"}""", "no schema")]
    public void Decode_SaysWhy_WhenThePayloadIsNoMessage(string payload, string reason)
    {
        var decoded = _decoder.Decode(Topic(TopicKind.Status), Encoding.UTF8.GetBytes(payload));

        Assert.Null(decoded.Message);
        Assert.Contains(reason, decoded.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RefusesAPayloadOverTheLimit_WithoutParsingIt()
    {
        var decoded = new DeviceMessageDecoder(maxPayloadBytes: 1024).Decode(Topic(TopicKind.Telemetry), new byte[4096]);

        Assert.Contains("more than the 1,024", decoded.Error, StringComparison.Ordinal);
        Assert.Null(decoded.Seq);
    }

    [Fact]
    public void Decode_ReplacesControlCharacters_SoATerminalCannotBeDriven()
    {
        var decoded = _decoder.Decode(Topic(TopicKind.Events), Encoding.UTF8.GetBytes("""{"schema":"edgetransfer/v1","seq":1,"frameId":1,"verdict":"go\u001b[2Jod"}"""));

        Assert.Equal("go?[2Jod", Assert.IsType<InspectionEvent>(decoded.Message).Verdict);
    }

    private static DeviceTopic Topic(TopicKind kind) => DeviceTopic.For("plant1", "d1", kind);

    private static DeviceTopic TopicOf(DeviceMessage message) => Topic(message switch
    {
        StatusMessage => TopicKind.Status,
        TelemetryMessage => TopicKind.Telemetry,
        InspectionEvent => TopicKind.Events,
        _ => TopicKind.Training,
    });

    private static byte[] Serialize(DeviceMessage message) => message switch
    {
        StatusMessage m => ProtocolJson.Serialize(m),
        TelemetryMessage m => ProtocolJson.Serialize(m),
        InspectionEvent m => ProtocolJson.Serialize(m),
        TrainingProgressMessage m => ProtocolJson.Serialize(m),
        TrainingResult m => ProtocolJson.Serialize(m),
        FitProgress m => ProtocolJson.Serialize(m),
        FitResult m => ProtocolJson.Serialize(m),
        _ => throw new ArgumentOutOfRangeException(nameof(message)),
    };

    // Records compare dictionaries by reference; their JSON compares them by value.
    private static string Normalise(DeviceMessage message) => Encoding.UTF8.GetString(Serialize(message));
}
