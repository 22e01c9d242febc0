using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Hosting;

/// <summary>The embedded device's log messages (source-generated).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "EdgeTransfer device inspecting with bundle {BundleId}, head {Head}; source {Source}; state {StateDirectory}.")]
    public static partial void Started(ILogger logger, string bundleId, string head, string source, string stateDirectory);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Critical, Message = "The EdgeTransfer device cannot start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "The frame source {Source} has no more frames; inspection ended.")]
    public static partial void SourceEnded(ILogger logger, string source);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Information, Message = "EdgeTransfer device stopped.")]
    public static partial void Stopped(ILogger logger);
}
