using System.Text;
using EdgeTransfer.Mqtt.Outbox;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Mqtt.Tests;

public sealed class MqttOutboxTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Messages_ComeOutInOrder_AndSurviveReopening()
    {
        // Given three messages stored and the outbox closed (a restart)
        using (var outbox = Open())
        {
            for (var i = 1; i <= 3; i++)
            {
                outbox.Enqueue("t", Encoding.UTF8.GetBytes($"m{i}"), MessageClass.Telemetry);
            }
        }

        // When it is opened again
        using var reopened = Open();

        // Then they come out in the order they went in
        var seen = new List<string>();
        while (reopened.TryPeek(out var message))
        {
            seen.Add(Encoding.UTF8.GetString(message.Payload));
            reopened.Remove(message.Id);
        }

        Assert.Equal(["m1", "m2", "m3"], seen);
        Assert.Equal(3, reopened.Statistics.Delivered);
    }

    [Fact]
    public void Full_DropsOldestTelemetryFirst_NeverResultsBeforeTelemetry()
    {
        using var outbox = Open(maxMessages: 3);
        outbox.Enqueue("training", "result-1"u8, MessageClass.Critical);
        outbox.Enqueue("telemetry", "tel-1"u8, MessageClass.Telemetry);
        outbox.Enqueue("events", "ev-1"u8, MessageClass.Event);

        // When two more arrive into a full outbox
        outbox.Enqueue("telemetry", "tel-2"u8, MessageClass.Telemetry);
        outbox.Enqueue("training", "result-2"u8, MessageClass.Critical);

        // Then telemetry went first (oldest first, even the newer one before an older event); results stay
        Assert.Equal(["result-1", "ev-1", "result-2"], Drain(outbox));
        Assert.Equal((2L, 0L, 0L), (outbox.Statistics.DroppedTelemetry, outbox.Statistics.DroppedEvents, outbox.Statistics.DroppedCritical));
    }

    [Fact]
    public void Full_OfResults_RefusesNewTelemetry()
    {
        using var outbox = Open(maxMessages: 2);
        outbox.Enqueue("training", "r1"u8, MessageClass.Critical);
        outbox.Enqueue("training", "r2"u8, MessageClass.Critical);

        var stored = outbox.Enqueue("telemetry", "t"u8, MessageClass.Telemetry);

        Assert.False(stored);
        Assert.Equal(["r1", "r2"], Drain(outbox));
        Assert.Equal(1, outbox.Statistics.DroppedTelemetry);
    }

    [Fact]
    public void ByteBound_IsKept()
    {
        using var outbox = Open(maxBytes: 64 * 1024);
        for (var i = 0; i < 20; i++)
        {
            outbox.Enqueue("telemetry", new byte[10_000], MessageClass.Telemetry);
        }

        Assert.True(outbox.Statistics.Bytes <= 64 * 1024);
        Assert.Equal(20 - outbox.Count, outbox.Statistics.DroppedTelemetry);
    }

    [Fact]
    public void DamagedFiles_AreDiscardedAndCounted_TheRestDelivered()
    {
        // Given a stored message flipped on disk, a torn temp file and a truncated file
        using (var outbox = Open())
        {
            outbox.Enqueue("t", "good-1"u8, MessageClass.Telemetry);
            outbox.Enqueue("t", "flipped"u8, MessageClass.Telemetry);
            outbox.Enqueue("t", "truncated"u8, MessageClass.Telemetry);
            outbox.Enqueue("t", "good-2"u8, MessageClass.Critical);
        }

        var files = Directory.GetFiles(_temp.Combine("outbox"), "*.msg").Order(StringComparer.Ordinal).ToArray();
        var bytes = File.ReadAllBytes(files[1]);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(files[1], bytes);
        File.WriteAllBytes(files[2], File.ReadAllBytes(files[2])[..10]);
        File.WriteAllText(Path.Combine(_temp.Combine("outbox"), "00000000000000000099.msg.1234abcd.tmp-write"), "half");

        // When it is opened
        using var reopened = Open();

        // Then only intact messages come out
        Assert.Equal(["good-1", "good-2"], Drain(reopened));
        Assert.Equal(2, reopened.Statistics.Corrupt);
        Assert.Empty(Directory.GetFiles(_temp.Combine("outbox"), "*.tmp-write"));
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Throws<InvalidSettingException>(() => new MqttOutbox(new MqttOutboxOptions { Directory = "" }));
        Assert.Throws<InvalidSettingException>(() => new MqttOutbox(new MqttOutboxOptions { Directory = _temp.Path, MaxMessages = 0 }));
        Assert.Throws<InvalidSettingException>(() => new MqttOutbox(new MqttOutboxOptions { Directory = _temp.Path, MaxBytes = 100 }));
    }

    private MqttOutbox Open(int maxMessages = 1000, long maxBytes = 1 << 20) =>
        new(new MqttOutboxOptions { Directory = _temp.Combine("outbox"), MaxMessages = maxMessages, MaxBytes = maxBytes });

    private static List<string> Drain(MqttOutbox outbox)
    {
        var seen = new List<string>();
        while (outbox.TryPeek(out var message))
        {
            seen.Add(Encoding.UTF8.GetString(message.Payload));
            outbox.Remove(message.Id);
        }

        return seen;
    }
}
