using System.Diagnostics;
using EdgeTransfer.Mqtt.Client;

namespace EdgeTransfer.Fleet;

/// <summary>
/// Sends one command to many devices at once and collects every reply (MQTT 5 request/response, §4.10:
/// each request has its own correlation data, so replies are matched whatever order they come in).
/// </summary>
public static class CommandFanOut
{
    /// <summary>
    /// Sends <paramref name="body"/> as <c>cmd/{name}</c> to each device, at most <paramref name="parallel"/>
    /// at a time, and waits up to <paramref name="timeout"/> for each reply.
    /// </summary>
    /// <param name="connection">A connected fleet connection (not owned).</param>
    /// <param name="devices">The device ids.</param>
    /// <param name="name">The command name.</param>
    /// <param name="body">The JSON body.</param>
    /// <param name="timeout">How long each device has to answer.</param>
    /// <param name="parallel">Requests in flight at once (a plant of thousands should not get one burst).</param>
    /// <param name="onOutcome">Called as each device's outcome is known (for streaming output); may be null.</param>
    /// <param name="cancellationToken">Stops waiting; the devices not answered yet are reported as timed out.</param>
    /// <returns>One outcome per device, in the order of <paramref name="devices"/>.</returns>
    public static async Task<IReadOnlyList<CommandOutcome>> SendAsync(
        MqttConnection connection,
        IReadOnlyList<string> devices,
        string name,
        ReadOnlyMemory<byte> body,
        TimeSpan timeout,
        int parallel = 64,
        Action<CommandOutcome>? onOutcome = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        return await ForEachAsync(devices, parallel, device => SendOneAsync(connection, device, name, body, timeout, cancellationToken), onOutcome, cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> for each device, at most <paramref name="parallel"/> at a time, reporting each result as it is known (one at a time).</summary>
    internal static async Task<IReadOnlyList<T>> ForEachAsync<T>(IReadOnlyList<string> devices, int parallel, Func<string, Task<T>> work, Action<T>? onOutcome, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(parallel);
        var report = new Lock();
        var tasks = devices.Select(async device =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var outcome = await work(device);
                lock (report)
                {
                    onOutcome?.Invoke(outcome);
                }

                return outcome;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return await Task.WhenAll(tasks);
    }

    /// <summary>The outcome for a device that was not asked because its status says offline.</summary>
    /// <param name="device">The device id.</param>
    /// <param name="name">The command name.</param>
    public static CommandOutcome Skipped(string device, string name) => new()
    {
        Device = device,
        Command = name,
        Kind = CommandOutcomeKind.Skipped,
        Message = "offline (retained status); not sent, so it does not run whenever the device returns",
    };

    internal static async Task<CommandOutcome> SendOneAsync(MqttConnection connection, string device, string name, ReadOnlyMemory<byte> body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var reply = await connection.SendCommandAsync(device, name, body, timeout, cancellationToken);
            return new CommandOutcome
            {
                Device = device,
                Command = name,
                Kind = reply.Ok ? CommandOutcomeKind.Ok : CommandOutcomeKind.Error,
                Reply = reply,
                Message = reply.Ok ? null : $"{reply.Error?.Code}: {reply.Error?.Message}",
                ElapsedMs = clock.Elapsed.TotalMilliseconds,
            };
        }
        catch (TimeoutException ex)
        {
            return new CommandOutcome { Device = device, Command = name, Kind = CommandOutcomeKind.TimedOut, Message = ex.Message, ElapsedMs = clock.Elapsed.TotalMilliseconds };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new CommandOutcome { Device = device, Command = name, Kind = CommandOutcomeKind.TimedOut, Message = "cancelled before the device answered", ElapsedMs = clock.Elapsed.TotalMilliseconds };
        }
        catch (EdgeTransferException ex)
        {
            // BrokerConnectionException (not connected, ACL refusal) or an unreadable reply.
            return new CommandOutcome { Device = device, Command = name, Kind = CommandOutcomeKind.Failed, Message = ex.Message, ElapsedMs = clock.Elapsed.TotalMilliseconds };
        }
    }
}
