using EdgeTransfer.LineConsole.Model;

namespace EdgeTransfer.LineConsole.Wire;

/// <summary>What the console takes from a command's result (<see cref="ReplyReader.ReadResult"/>); null where the result said nothing.</summary>
internal sealed record ReplyFacts
{
    public IReadOnlyList<string>? Classes { get; init; }

    public Dictionary<string, long>? Samples { get; init; }

    public bool? Paused { get; init; }

    public long? HeadVersion { get; init; }

    /// <summary>Whether the reply tells the collecting state (a status reply does, even by leaving it out).</summary>
    public bool SetsCollecting { get; init; }

    public string? Collecting { get; init; }

    public ConfusionView? Confusion { get; init; }

    /// <summary>Why part of the result was refused, or null.</summary>
    public string? Error { get; init; }
}
