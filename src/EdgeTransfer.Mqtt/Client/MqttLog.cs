using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>Source-generated log messages of the MQTT client (no formatting cost when the level is off).</summary>
internal static partial class MqttLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected to MQTT broker {Host}:{Port} as {ClientId} (session present: {SessionPresent}).")]
    public static partial void Connected(ILogger logger, string host, int port, string clientId, bool sessionPresent);

    // One line per attempt, without the stack trace: a broker that is down for an hour is an attempt every 30 s in the
    // journal, and the reason ("Connection refused", "Name or service not known") is what the technician acts on. The
    // exception itself goes to ConnectAttemptDetail at Debug level.
    [LoggerMessage(2, LogLevel.Warning, "Cannot connect to MQTT broker {Host}:{Port}: {Reason}; retrying in {DelaySeconds:0.#} s.")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, string reason, double delaySeconds);

    [LoggerMessage(3, LogLevel.Warning, "Disconnected from MQTT broker ({Reason}); the outbox keeps messages until it is back.")]
    public static partial void Disconnected(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Error, "The broker refused message {Topic} ({Reason}); it was removed from the outbox so the queue keeps moving.")]
    public static partial void OutboxRejected(ILogger logger, string topic, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Could not publish the reply on {Topic}; the fleet tool will time out and may resend.")]
    public static partial void ReplyFailed(ILogger logger, Exception exception, string topic);

    [LoggerMessage(6, LogLevel.Warning, "A message handler failed for {Topic}.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string topic);

    [LoggerMessage(7, LogLevel.Information, "Command {Command}: {Outcome}.")]
    public static partial void CommandHandled(ILogger logger, string command, string outcome);

    [LoggerMessage(8, LogLevel.Error, "Cannot connect to MQTT broker {Host}:{Port}: {Reason} Retrying in {DelaySeconds:0.#} s.")]
    public static partial void ConnectRefused(ILogger logger, string host, int port, string reason, double delaySeconds);

    [LoggerMessage(9, LogLevel.Debug, "Connection attempt to MQTT broker {Host}:{Port} failed.")]
    public static partial void ConnectAttemptDetail(ILogger logger, Exception exception, string host, int port);
}
