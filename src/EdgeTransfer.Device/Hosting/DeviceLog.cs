using EdgeTransfer.Runtime.Capture;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Device.Hosting;

/// <summary>The device service's log messages (source-generated, no formatting cost when the level is off).</summary>
internal static partial class DeviceLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Starting {Program}.")]
    public static partial void Starting(ILogger logger, string program);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Inspecting with bundle {BundleId}, head {Head}; source {Source}; state {StateDirectory}.")]
    public static partial void Started(ILogger logger, string bundleId, string head, string source, string stateDirectory);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Stopped after {Frames} frames, {Rejects} rejects, {Errors} errors.")]
    public static partial void Stopped(ILogger logger, long frames, long rejects, long errors);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Camera {Source} lost: {Reason}; reconnect attempt {Attempt} at {NextRetryAt:u}.")]
    public static partial void SourceLost(ILogger logger, string source, string? reason, int attempt, DateTimeOffset? nextRetryAt);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Error, Message = "Camera {Source} failed and is not retried: {Reason}")]
    public static partial void SourceFailed(ILogger logger, string source, string? reason);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "Camera {Source} is {State}.")]
    public static partial void SourceState(ILogger logger, string source, SourceState state);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Error, Message = "The inspection loop made no progress for {Window}: the systemd watchdog is no longer fed and will restart the service.")]
    public static partial void LoopStalled(ILogger logger, TimeSpan window);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Information, Message = "The inspection loop makes progress again; the systemd watchdog is fed.")]
    public static partial void LoopRecovered(ILogger logger);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Information, Message = "Systemd watchdog fed every {Interval} while the inspection loop makes progress.")]
    public static partial void WatchdogOn(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Deployed bundle {BundleId} replaced {Previous}; inspecting with head {Head}.")]
    public static partial void Replaced(ILogger logger, string bundleId, string previous, string head);
}
