using System.Globalization;
using EdgeTransfer.Agent.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Mqtt.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests;

/// <summary>A broker outage while the device works: the outbox keeps every message, and the fleet gets every seq.</summary>
[Collection(AgentTestGroup.Name)]
public sealed class AgentOutageTests(AgentEnvironment environment)
{
    private const string Id = "d-outage";

    /// <summary>The issue's 30 s by default (the device keeps inspecting throughout); EDGETRANSFER_MQTT_OUTAGE_SECONDS overrides it.</summary>
    private static TimeSpan Outage => TimeSpan.FromSeconds(
        int.TryParse(System.Environment.GetEnvironmentVariable("EDGETRANSFER_MQTT_OUTAGE_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : 30);

    [MosquittoFact]
    public async Task BrokerStoppedAndRestarted_WhileTheDeviceWorks_EverySeqArrives()
    {
        // A broker of its own: stopping it must not disturb the other tests' broker.
        await using var broker = await MosquittoBroker.StartAsync(AgentEnvironment.BrokerUsers);
        await using var device = await DeviceUnderTest.StartAsync(environment, Id, broker.Port, telemetrySeconds: 1, eventsEvery: 10);

        // A fleet consumer with a persistent session (fixed client id), so messages that reach the broker while it
        // is reconnecting are kept for it (MQTT 5 §3.1.2.11.2).
        await using var fleet = await Fleet.ConnectAsync(broker.Port, environment.PasswordFile, Id, clientId: "outage-consumer");
        await fleet.Sink.WaitUntilAsync(all => all.Count(m => Fleet.Is(m, Id, TopicKind.Telemetry)) >= 2, Fleet.Wait);

        // When the broker is stopped for the outage while the device keeps inspecting and reporting
        await broker.StopAsync();
        var framesAtStop = device.Frames;
        var seqAtStop = device.Agent.Connection.Sequence!.Last;
        await Task.Delay(Outage);
        Assert.True(device.Frames > framesAtStop, "the device stopped inspecting while the broker was away");
        var queued = device.Agent.Connection.Outbox!.Count;
        Assert.True(queued > 0, "nothing was queued during the outage");
        var mark = device.Logs.Entries.Count;
        await broker.StartProcessAsync();

        // Then the outbox drains and every seq up to the last one made arrives at the fleet, no gap
        var last = device.Agent.Connection.Sequence!.Last;
        await fleet.Sink.WaitUntilAsync(all => Seqs(all).Contains(last), TimeSpan.FromSeconds(60));
        var seqs = Seqs(fleet.Sink.Snapshot());
        var first = seqs.Min;
        var missing = Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + i).Where(s => !seqs.Contains(s)).ToList();
        Assert.True(missing.Count == 0, $"missing seq {string.Join(", ", missing.Take(20))} of {first}..{last} (seq at stop {seqAtStop}, {queued} queued)");
        Assert.True(last - seqAtStop > Outage.TotalSeconds / 2, $"only {last - seqAtStop} messages were made during the outage");

        // And the log has the lost connection and the reconnect
        Assert.Contains(device.Logs.Entries, e => e.EventId.Id == 3 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.StartsWith("Disconnected from MQTT broker", StringComparison.Ordinal));
        device.Logs.WaitFor(e => e.EventId.Id == 1 && e.Message.StartsWith("Connected to MQTT broker", StringComparison.Ordinal), Fleet.Wait, after: mark);

        // And each failed attempt during the outage is one warning with the reason and the delay, no stack trace
        // (that goes to the Debug level): an hour without a broker must not fill the journal with traces
        var attempts = device.Logs.Entries.Where(e => e.EventId.Id == 2).ToList();
        Assert.NotEmpty(attempts);
        Assert.All(attempts, e =>
        {
            Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, e.Level);
            Assert.Null(e.Exception);
            Assert.Matches(@"^Cannot connect to MQTT broker 127\.0\.0\.1:\d+: \S.*; retrying in \d+(\.\d)? s\.$", e.Message);
        });
        Assert.Contains(device.Logs.Entries, e => e.EventId.Id == 9 && e.Level == Microsoft.Extensions.Logging.LogLevel.Debug && e.Exception is not null);
    }

    private static SortedSet<long> Seqs(IEnumerable<Mqtt.Client.ReceivedMessage> messages) =>
        [.. messages.Where(m => m.DeviceTopic?.Device == Id).Select(m => Fleet.Json(m).GetProperty("seq").GetInt64())];
}
