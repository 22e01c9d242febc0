using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Agent.Commands;

/// <summary>
/// The <c>config</c> command: changes run-time settings (<see cref="ConfigKeys"/>), all or none. Only keys of the
/// allow-list reach it, each already type- and range-checked by the router.
/// </summary>
/// <param name="hosts">The host in service.</param>
/// <param name="settings">The settings it changes.</param>
internal sealed class ConfigCommand(HostInService hosts, AgentSettings settings) : AgentCommand<ConfigRequest>("config", ProtocolJsonContext.Default.ConfigRequest)
{
    /// <inheritdoc/>
    public override void Register(CommandRouter router) => router.RegisterConfig(ConfigKeys.AllowList, HandleAsync);

    /// <inheritdoc/>
    public override ValueTask<CommandResult> HandleAsync(ConfigRequest request, CommandContext context, CancellationToken cancellationToken)
    {
        var host = hosts.Current;
        // All or none: every value is checked before the first is applied (types and ranges by the allow-list).
        if (request.Set.ContainsKey(ConfigKeys.InspectionPaused) && host.Loop is null)
        {
            throw new CommandException(CommandErrorCodes.Failed, "set." + ConfigKeys.InspectionPaused, "Inspection is not running, so it cannot be paused or resumed; nothing was changed.");
        }

        foreach (var (key, value) in request.Set)
        {
            switch (key)
            {
                case ConfigKeys.TelemetryInterval:
                    settings.TelemetryIntervalSeconds = value.GetInt32();
                    break;
                case ConfigKeys.EventsEvery:
                    settings.EventsEvery = value.GetInt32();
                    break;
                case ConfigKeys.EventsRejects:
                    settings.EventsRejects = value.GetBoolean();
                    break;
                case ConfigKeys.EventsAnomalyMap:
                    settings.EventsAnomalyMap = value.GetBoolean();
                    host.Pipeline.IncludeAnomalyMap |= value.GetBoolean();
                    break;
                case ConfigKeys.InspectionPaused when value.GetBoolean():
                    host.Loop!.Pause();
                    break;
                case ConfigKeys.InspectionPaused:
                    host.Loop!.Resume();
                    break;
            }
        }

        return Reply(settings.Describe(host), AgentJsonContext.Default.ConfigResult);
    }
}
