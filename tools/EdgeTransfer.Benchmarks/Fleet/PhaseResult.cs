using System.Text.Json;

namespace EdgeTransfer.Benchmarks.Fleet;

/// <summary>The figures of one sending phase (the fleet, or the single-client baseline).</summary>
/// <param name="Devices">Clients that sent.</param>
/// <param name="MessagesPerSecond">The total message rate asked for.</param>
/// <param name="Seconds">Seconds of sending.</param>
/// <param name="Sent">Messages the devices stored for sending (seq assigned).</param>
/// <param name="Delivered">Of those, how many reached a consumer (each counted once).</param>
/// <param name="Duplicates">Deliveries of a message already delivered.</param>
/// <param name="Holes">Runs of consecutive missing messages in a device's sequence (0 when nothing is lost).</param>
/// <param name="Latency">End-to-end latency in ms: the device's <c>ts</c> (taken when the message enters its outbox) to the consumer's handler.</param>
/// <param name="SendLag">How late the load generator was against its schedule, ms (a late generator means a saturated client).</param>
/// <param name="ClientCpuPercent">This process's CPU use during the phase, in % of one core.</param>
/// <param name="BrokerCpuPercent">The broker process's CPU use during the phase, in % of one core; null when it runs in this process or elsewhere.</param>
public sealed record PhaseResult(
    int Devices,
    double MessagesPerSecond,
    double Seconds,
    long Sent,
    long Delivered,
    long Duplicates,
    long Holes,
    LatencySummary Latency,
    LatencySummary SendLag,
    double ClientCpuPercent,
    double? BrokerCpuPercent)
{
    /// <summary>Delivered / sent (1 when nothing was sent).</summary>
    public double DeliveredRatio => Sent == 0 ? 1 : (double)Delivered / Sent;

    /// <summary>Writes the phase as a JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The property name.</param>
    public void WriteJson(Utf8JsonWriter writer, string name)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject(name);
        writer.WriteNumber("devices", Devices);
        Json.WriteNumber(writer, "messagesPerSecond", MessagesPerSecond);
        Json.WriteNumber(writer, "seconds", Seconds);
        writer.WriteNumber("sent", Sent);
        writer.WriteNumber("delivered", Delivered);
        Json.WriteNumber(writer, "deliveredRatio", DeliveredRatio);
        writer.WriteNumber("duplicates", Duplicates);
        writer.WriteNumber("gaps", Holes);
        Latency.WriteJson(writer, "latencyMs");
        SendLag.WriteJson(writer, "sendLagMs");
        Json.WriteNumber(writer, "clientCpuPercent", ClientCpuPercent);
        Json.WriteNumber(writer, "brokerCpuPercent", BrokerCpuPercent ?? double.NaN);
        writer.WriteEndObject();
    }
}
