using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Agent;

/// <summary>The agent's log messages (source-generated, no allocation when the level is off).</summary>
internal static partial class AgentLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "MQTT agent for {Fleet}/{Device} started; broker {Host}:{Port}.")]
    public static partial void Started(ILogger logger, string fleet, string device, string host, int port);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Training run {RunId} ended: {Outcome}. {Reason}")]
    public static partial void TrainingEnded(ILogger logger, string runId, Runtime.Learning.TrainingOutcome outcome, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Training run {RunId} failed; the head in service is unchanged.")]
    public static partial void TrainingFailed(ILogger logger, Exception error, string runId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Bundle {BundleId} (slot {Slot}) is in service; it replaced {Previous}.")]
    public static partial void BundleInstalled(ILogger logger, string bundleId, string slot, string previous);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Refused the deployed bundle of {DeploymentId}; {Current} stays in service. {Reason}")]
    public static partial void BundleRefused(ILogger logger, Exception error, string deploymentId, string current, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Telemetry could not be queued: {Reason}")]
    public static partial void TelemetryFailed(ILogger logger, Exception error, string reason);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "{Count} inspection events were not published because the event queue was full.")]
    public static partial void EventsDropped(ILogger logger, long count);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "Removed bundle slot {Slot}: {Reason}")]
    public static partial void SlotRemoved(ILogger logger, string slot, string reason);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Warning, Message = "Deployment {DeploymentId}: {Reason}")]
    public static partial void LearnedStateLeftBehind(ILogger logger, string deploymentId, string reason);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Deployment {DeploymentId} carried over {Samples} labelled samples and {Heads} head versions into slot {Slot}.")]
    public static partial void LearnedStateCarried(ILogger logger, string deploymentId, int samples, int heads, string slot);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Bundle slots were not cleaned: {Reason}")]
    public static partial void SlotsNotCleaned(ILogger logger, string reason);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Information, Message = "Anomaly fit {RunId} ended: {Outcome}. {Reason}")]
    public static partial void FitEnded(ILogger logger, string runId, string outcome, string reason);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Error, Message = "Anomaly fit {RunId} failed; the anomaly model in service is unchanged.")]
    public static partial void FitFailed(ILogger logger, Exception error, string runId);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Warning, Message = "Anomaly fit {RunId}: {Copies} of the {GoodImages} good images copy another and were set aside (the same image again, or identical blank images): {Examples}")]
    public static partial void FitCopiesSetAside(ILogger logger, string runId, int copies, int goodImages, string examples);
}
