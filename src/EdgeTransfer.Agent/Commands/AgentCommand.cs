using System.Text.Json.Serialization.Metadata;
using EdgeTransfer.Mqtt.Commands;

namespace EdgeTransfer.Agent.Commands;

/// <summary>A command whose request the router parses and validates with <paramref name="requestInfo"/> before <see cref="HandleAsync"/> runs.</summary>
/// <typeparam name="TRequest">The request record.</typeparam>
/// <param name="name">The command name.</param>
/// <param name="requestInfo">The request's source-generated contract.</param>
internal abstract class AgentCommand<TRequest>(string name, JsonTypeInfo<TRequest> requestInfo) : IAgentCommand
    where TRequest : CommandRequest
{
    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public virtual void Register(CommandRouter router) => router.Register(Name, requestInfo, HandleAsync);

    /// <summary>Carries the command out; throws <see cref="CommandException"/> to refuse it before changing anything.</summary>
    public abstract ValueTask<CommandResult> HandleAsync(TRequest request, CommandContext context, CancellationToken cancellationToken);

    /// <summary>A reply with <paramref name="value"/> as its result.</summary>
    protected static ValueTask<CommandResult> Reply<T>(T value, JsonTypeInfo<T> info) => ValueTask.FromResult(CommandResult.Of(value, info));
}
