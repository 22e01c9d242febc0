using System.Text;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet.Tests;

/// <summary>The fleet view's bookkeeping: state from status, seq gaps, duplicates, reordering across topics.</summary>
public class FleetViewTests
{
    [Fact]
    public void Observe_CountsAGap_UntilTheMissingSeqArrives()
    {
        var view = new FleetView("plant1");
        Observe(view, "d1", TopicKind.Telemetry, 10);
        Observe(view, "d1", TopicKind.Telemetry, 13);
        Assert.Equal(2, Device(view, "d1").Gaps);

        // MQTT orders per topic only (§4.6): a lower seq on another topic may come later and fills the hole.
        Observe(view, "d1", TopicKind.Training, 11);
        Observe(view, "d1", TopicKind.Events, 12);
        Assert.Equal(0, Device(view, "d1").Gaps);
        Assert.Equal(13, Device(view, "d1").LastSeq);
    }

    [Fact]
    public void Observe_CountsDuplicates_OfQos1Redelivery()
    {
        var view = new FleetView("plant1");
        Observe(view, "d1", TopicKind.Telemetry, 5);
        Observe(view, "d1", TopicKind.Telemetry, 6);
        Observe(view, "d1", TopicKind.Telemetry, 6);
        Assert.Equal(1, Device(view, "d1").Duplicates);
        Assert.Equal(0, Device(view, "d1").Gaps);
    }

    [Fact]
    public void Observe_TakesStateFromStatus_AndDoesNotCountTheDeathAsADuplicate()
    {
        var view = new FleetView("plant1");
        Observe(view, "d1", TopicKind.Status, 100, "\"state\":\"online\",\"versions\":{\"app\":\"1.4.0\",\"bundle\":\"line3\",\"head\":7}");
        Observe(view, "d1", TopicKind.Telemetry, 101);
        Observe(view, "d1", TopicKind.Status, 100, "\"state\":\"offline\",\"reason\":\"last-will\"");
        var d1 = Device(view, "d1");
        Assert.Equal(DeviceState.Offline, d1.State);
        Assert.Equal("last-will", d1.Reason);
        Assert.Equal("line3", d1.Versions?.Bundle);
        Assert.Equal(0, d1.Duplicates);
        Assert.Equal(0, d1.Gaps);
    }

    [Fact]
    public void Observe_DoesNotAnchorSeqOnRetainedMessages_AndIgnoresOtherFleets()
    {
        var view = new FleetView("plant1");
        Observe(view, "d1", TopicKind.Status, 1201, "\"state\":\"online\"", retain: true);
        Observe(view, "d1", TopicKind.Telemetry, 1302);
        view.Observe(Message("plant2", "d9", TopicKind.Telemetry, 1, null, false));
        var devices = view.Snapshot();
        Assert.Single(devices);
        Assert.Equal(0, devices[0].Gaps);
        Assert.Equal(DeviceState.Online, devices[0].State);
        Assert.Equal(1, devices[0].Messages);
    }

    [Fact]
    public void Observe_CountsMalformedPayloads_AndKeepsGoing()
    {
        var view = new FleetView("plant1");
        view.Observe(new ReceivedMessage { Topic = "edgetransfer/v1/plant1/d1/telemetry", DeviceTopic = DeviceTopic.Parse("edgetransfer/v1/plant1/d1/telemetry"), Payload = "not json"u8.ToArray() });
        Observe(view, "d1", TopicKind.Telemetry, 1);
        Assert.Equal(1, view.Malformed);
        Assert.Equal(1, Device(view, "d1").Messages);
    }

    [Fact]
    public void Observe_ForgetsADevice_WhenItsRetainedStatusIsCleared()
    {
        var view = new FleetView("plant1");
        Observe(view, "d1", TopicKind.Status, 1, "\"state\":\"online\"", retain: true);
        view.Observe(new ReceivedMessage { Topic = "edgetransfer/v1/plant1/d1/status", DeviceTopic = DeviceTopic.Parse("edgetransfer/v1/plant1/d1/status"), Payload = Array.Empty<byte>(), Retain = true });
        Assert.Empty(view.Snapshot());
    }

    [Fact]
    public void Observe_DescribesAnomalyFits_OnTheTrainingTopic()
    {
        var view = new FleetView("plant1");
        Observe(view, "d1", TopicKind.Training, 1, "\"type\":\"fit-progress\",\"runId\":\"f-1\",\"stage\":\"features\",\"done\":10,\"total\":60");
        Assert.Equal("f-1 fit features 10/60", Device(view, "d1").Training);

        Observe(view, "d1", TopicKind.Training, 2, "\"type\":\"fit-result\",\"runId\":\"f-1\",\"outcome\":\"promoted\",\"anomalyModel\":\"a0002\",\"imageAuroc\":0.97,\"durationSeconds\":6.2");
        Assert.Equal("f-1 fit promoted anomaly a0002 auroc 0.97", Device(view, "d1").Training);
    }

    private static DeviceRecord Device(FleetView view, string id) => view.Snapshot().Single(d => d.Device == id);

    private static void Observe(FleetView view, string device, TopicKind kind, long seq, string? fields = null, bool retain = false) =>
        view.Observe(Message("plant1", device, kind, seq, fields, retain));

    private static ReceivedMessage Message(string fleet, string device, TopicKind kind, long seq, string? fields, bool retain)
    {
        var topic = DeviceTopic.For(fleet, device, kind);
        var body = "{" + (fields is null ? "" : fields + ",") + $"\"schema\":\"edgetransfer/v1\",\"seq\":{seq},\"ts\":\"2026-11-26T04:00:00+00:00\"}}";
        return new ReceivedMessage { Topic = topic.ToString(), DeviceTopic = topic, Payload = Encoding.UTF8.GetBytes(body), Retain = retain };
    }
}
