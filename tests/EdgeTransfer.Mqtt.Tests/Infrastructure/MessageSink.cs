using EdgeTransfer.Mqtt.Client;

namespace EdgeTransfer.Mqtt.Tests.Infrastructure;

/// <summary>Collects received messages and waits for one that matches.</summary>
public sealed class MessageSink
{
    private readonly Lock _lock = new();
    private readonly List<ReceivedMessage> _messages = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task HandleAsync(ReceivedMessage message)
    {
        lock (_lock)
        {
            _messages.Add(message);
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<ReceivedMessage> Snapshot()
    {
        lock (_lock)
        {
            return [.. _messages];
        }
    }

    public async Task<ReceivedMessage> WaitForAsync(Func<ReceivedMessage, bool> predicate, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var hit = _messages.FirstOrDefault(predicate);
                if (hit is not null)
                {
                    return hit;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching message within {timeout}; got: {string.Join(" | ", Snapshot().Select(m => m.Topic + " corr=" + (m.CorrelationData is { } c ? c.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null") + " " + System.Text.Encoding.UTF8.GetString(m.Payload.Span)))}");
            }
        }
    }

    public async Task WaitUntilAsync(Func<IReadOnlyList<ReceivedMessage>, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (condition(_messages))
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Condition not met within {timeout}; {Snapshot().Count} messages received.");
            }
        }
    }
}
