using EdgeTransfer.Agent.Publishing;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Agent.Commands;

/// <summary>The <c>preview</c> command: the last inspected frame, scaled down, with its anomaly map when asked for.</summary>
/// <param name="hosts">The host in service.</param>
/// <param name="events">Keeps the anomaly part of the last scored frame.</param>
internal sealed class PreviewCommand(HostInService hosts, InspectionEventPublisher events) : AgentCommand<PreviewRequest>("preview", ProtocolJsonContext.Default.PreviewRequest)
{
    /// <inheritdoc/>
    public override ValueTask<CommandResult> HandleAsync(PreviewRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        // The pipeline keeps a thumbnail of its last frame anyway (for label): a preview copies and scales that,
        // so it costs the inspection thread nothing and keeps no other frame.
        var pipeline = hosts.Current.Pipeline;
        var last = pipeline.GetLastFrame();
        if (last is null || last.ThumbnailWidth < 1 || last.ThumbnailHeight < 1)
        {
            throw new CommandException(CommandErrorCodes.NotFound, null, "No frame has been captured yet; a preview shows the last inspected frame once inspection runs.");
        }

        var (width, height) = PreviewScaler.Fit(last.ThumbnailWidth, last.ThumbnailHeight, request.Size ?? PreviewRequest.DefaultSize);
        var rgb = PreviewScaler.Resample(last.Thumbnail, last.ThumbnailWidth, last.ThumbnailHeight, width, height);
        AnomalyMapMessage? map = null;
        if (request.AnomalyMap == true)
        {
            // From now on every frame carries its map (784 bytes at 28 × 28), so the next preview has one if this one has not.
            pipeline.IncludeAnomalyMap = true;
            map = events.LastAnomaly?.MapMessage();
        }

        return Reply(new PreviewResult { FrameId = last.FrameId, Width = width, Height = height, Format = PreviewResult.Rgb24, Data = Convert.ToBase64String(rgb), AnomalyMap = map }, AgentJsonContext.Default.PreviewResult);
    }
}
