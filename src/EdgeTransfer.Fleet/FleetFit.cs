using System.Collections.Concurrent;
using System.Text.Json;
using EdgeTransfer.Fleet.Wire;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <summary>
/// Fits anomaly models on many devices: sends <c>cmd/fit</c> to each (at most a given number at a time, so a line of
/// devices that share a network or a power budget does not fit all at once) and waits for each device's
/// <c>fit-result</c> on its <c>training</c> topic.
/// </summary>
public static class FleetFit
{
    private static readonly DeviceMessageDecoder Decoder = new();

    /// <summary>Runs the fit on <paramref name="devices"/> and reports each device's outcome as it is known.</summary>
    /// <param name="client">A connected fleet client (not owned); its <see cref="FleetClient.MessageReceived"/> is chained, not replaced.</param>
    /// <param name="devices">The device ids.</param>
    /// <param name="body">The <c>fit</c> request body.</param>
    /// <param name="replyTimeout">How long each device has to accept or refuse the request.</param>
    /// <param name="fitTimeout">How long each device has, after accepting, to publish its result.</param>
    /// <param name="parallel">Devices fitting at once.</param>
    /// <param name="onOutcome">Called as each device's outcome is known; may be null.</param>
    /// <param name="cancellationToken">Stops waiting; devices without a result are reported as such.</param>
    /// <returns>One outcome per device, in the order of <paramref name="devices"/>.</returns>
    public static async Task<IReadOnlyList<FitOutcome>> RunAsync(
        FleetClient client,
        IReadOnlyList<string> devices,
        ReadOnlyMemory<byte> body,
        TimeSpan replyTimeout,
        TimeSpan fitTimeout,
        int parallel = 8,
        Action<FitOutcome>? onOutcome = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);

        // Results are kept by (device, run) from before the request goes out, so a fast result is never missed.
        var results = new ConcurrentDictionary<(string Device, string RunId), TaskCompletionSource<FitResult>>();
        TaskCompletionSource<FitResult> Slot(string device, string runId) =>
            results.GetOrAdd((device, runId), _ => new TaskCompletionSource<FitResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        var previous = client.MessageReceived;
        client.MessageReceived = async message =>
        {
            if (message.DeviceTopic is { } topic && ReadResult(message) is { } result)
            {
                Slot(topic.Device, result.RunId).TrySetResult(result);
            }

            if (previous is not null)
            {
                await previous(message);
            }
        };
        await client.SubscribeAsync([TopicKind.Training], shared: false, cancellationToken);

        return await CommandFanOut.ForEachAsync(devices, parallel, device => FitOneAsync(client.Connection, device, body, replyTimeout, fitTimeout, Slot, cancellationToken), onOutcome, cancellationToken);
    }

    private static async Task<FitOutcome> FitOneAsync(
        MqttConnection connection,
        string device,
        ReadOnlyMemory<byte> body,
        TimeSpan replyTimeout,
        TimeSpan fitTimeout,
        Func<string, string, TaskCompletionSource<FitResult>> slot,
        CancellationToken cancellationToken)
    {
        var sent = await CommandFanOut.SendOneAsync(connection, device, "fit", body, replyTimeout, cancellationToken);
        if (!sent.Succeeded)
        {
            return new FitOutcome { Device = device, Request = sent.Kind, Message = sent.Message };
        }

        var runId = sent.Reply?.Result is { ValueKind: JsonValueKind.Object } accepted && accepted.TryGetProperty("runId", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()!
            : null;
        if (runId is null)
        {
            return new FitOutcome { Device = device, Request = CommandOutcomeKind.Failed, Message = "the device accepted the fit but its reply has no runId, so its result cannot be recognised." };
        }

        try
        {
            var result = await slot(device, runId).Task.WaitAsync(fitTimeout, cancellationToken);
            return new FitOutcome { Device = device, Request = CommandOutcomeKind.Ok, RunId = runId, Result = result, Message = result.Reason };
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            var why = ex is TimeoutException ? $"no fit-result within {fitTimeout.TotalSeconds:0.#} s" : "cancelled before the fit-result came";
            return new FitOutcome { Device = device, Request = CommandOutcomeKind.Ok, RunId = runId, Message = $"{why} (run {runId}); the device may still be fitting: check 'fleet cmd {device} status'." };
        }
    }

    private static FitResult? ReadResult(ReceivedMessage message) =>
        // The decoder never throws: a message it cannot read is no result (the watch view counts malformed messages).
        message.DeviceTopic is { Kind: TopicKind.Training } topic && message.Payload.Span.IndexOf("\"fit-result\""u8) >= 0
            ? Decoder.Decode(topic, message.Payload).Message as FitResult
            : null;
}
