using EdgeTransfer.Fleet.Wire;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Demo;

/// <summary>Follows the device's <c>training</c> topic: the epoch in progress and the final result.</summary>
internal sealed class TrainingWatch
{
    private readonly DeviceMessageDecoder _decoder = new();
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

        // Progress and result share the topic; the decoder tells them apart by their "type".
        switch (_decoder.Decode(topic, message.Payload).Message)
        {
            case TrainingResult result:
                _result.TrySetResult(result);
                break;
            case TrainingProgressMessage progress:
                Volatile.Write(ref _epoch, progress.Epoch);
                break;
            default:
                break;
        }
    }
}
