using EdgeTransfer.Mqtt.Commands;

namespace EdgeTransfer.LineConsole.Input;

/// <summary>A protocol command the console sends: its name, its JSON body, and what an <c>ok</c> reply means for the dashboard.</summary>
/// <param name="Name">The command name (<c>label</c>, <c>collect</c>, <c>train</c> …).</param>
/// <param name="Body">The UTF-8 JSON request body.</param>
/// <param name="Summary">What it asks, for the reply list (<c>label scratch</c>).</param>
public sealed record ConsoleCommand(string Name, byte[] Body, string Summary)
{
    /// <summary>For <c>config</c> of <c>inspection.paused</c>: the paused state an <c>ok</c> reply confirms.</summary>
    public bool? Paused { get; init; }

    /// <summary>For <c>collect</c>: start or stop.</summary>
    public CollectAction? Collect { get; init; }

    /// <summary>For <c>label</c> and <c>collect</c>: the class.</summary>
    public string? Label { get; init; }

    /// <summary>Sent by the console itself (status and preview polls): its <c>ok</c> replies stay out of the reply list.</summary>
    public bool Background { get; init; }
}
