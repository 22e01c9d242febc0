using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Demo;

/// <summary>Follows the device's <c>training</c> topic: the epoch in progress and the final result.</summary>
internal sealed class TrainingWatch
{
    private readonly TaskCompletionSource<TrainingResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _epoch;

    public int Epoch => Volatile.Read(ref _epoch);

    public Task<TrainingResult> Result => _result.Task;

    public void Observe(ReceivedMessage message)
    {
        if (!DeviceTopic.TryParse(message.Topic, out var topic) || topic.Kind != TopicKind.Training)
        {
            return;
        }

        // Progress and result share the topic; the "type" field tells them apart.
        if (TryRead<TrainingResult>(message) is { Type: "result" } result)
        {
            _result.TrySetResult(result);
        }
        else if (TryRead<TrainingProgressMessage>(message) is { } progress)
        {
            Volatile.Write(ref _epoch, progress.Epoch);
        }
    }

    private static T? TryRead<T>(ReceivedMessage message)
        where T : class
    {
        try
        {
            return ProtocolJson.Deserialize<T>(message.Payload.Span);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        catch (EdgeTransferException)
        {
            return null;
        }
    }
}
