using EdgeTransfer.Mqtt.Commands;

namespace EdgeTransfer.Agent.Commands;

/// <summary>
/// One command the agent answers. The router is the dispatch table keyed by command name: registering adds the
/// name, the request's contract and the handler to it, so every request is checked before a handler sees it.
/// </summary>
internal interface IAgentCommand
{
    /// <summary>The command name, the last level of <c>cmd/{name}</c>.</summary>
    string Name { get; }

    /// <summary>Adds the command to <paramref name="router"/>.</summary>
    /// <param name="router">The device's router.</param>
    void Register(CommandRouter router);
}
