using System.Globalization;
using EdgeTransfer.Agent.Replies;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Storage;

namespace EdgeTransfer.Agent.Commands;

/// <summary>The <c>label</c> command: stores the last inspected frame (its cached features) under a class of the bundle.</summary>
/// <param name="hosts">The host in service.</param>
internal sealed class LabelCommand(HostInService hosts) : AgentCommand<LabelRequest>("label", ProtocolJsonContext.Default.LabelRequest)
{
    /// <inheritdoc/>
    public override ValueTask<CommandResult> HandleAsync(LabelRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var host = hosts.Current;
        BundleClasses.Require(host, request.Label, allowAuto: false);
        var last = host.Pipeline.GetLastFrame()
            ?? throw new CommandException(CommandErrorCodes.NotFound, "frameId", "No frame has been inspected yet; start inspection, then label the last frame.");
        if (request.FrameId is { } wanted && wanted != last.FrameId)
        {
            throw new CommandException(CommandErrorCodes.NotFound, "frameId", string.Create(CultureInfo.InvariantCulture, $"frameId: frame {wanted} is no longer available; the last frame is {last.FrameId}. Label the last frame or omit frameId."));
        }

        StoredSample sample;
        bool replaced;
        try
        {
            sample = host.LabelLastFrame(request.Label, request.FrameId, out replaced);
        }
        catch (InvalidSettingException ex)
        {
            // A newer frame arrived between the check and the label: nothing was stored.
            throw new CommandException(CommandErrorCodes.NotFound, "frameId", ex.Message, ex);
        }

        return Reply(new LabelResult { FrameId = long.Parse(sample.FrameId, CultureInfo.InvariantCulture), Label = sample.Label, SampleId = sample.Id, Replaced = replaced, Samples = host.Samples.Count }, AgentJsonContext.Default.LabelResult);
    }
}
