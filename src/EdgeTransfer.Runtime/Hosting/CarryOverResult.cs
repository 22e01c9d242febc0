namespace EdgeTransfer.Runtime.Hosting;

/// <summary>What <see cref="LearnedStateCarryOver.CarryOver"/> moved into the new bundle's state, and why the rest stayed behind.</summary>
public sealed record CarryOverResult
{
    /// <summary>The labelled samples now in the new bundle's store.</summary>
    public int Samples { get; init; }

    /// <summary>The head versions copied (same numbers as before), oldest first; empty when none was.</summary>
    public IReadOnlyList<int> Heads { get; init; } = [];

    /// <summary>The head version in service after the copy (the one in service before), or null when no head was carried over.</summary>
    public int? HeadInService { get; init; }

    /// <summary>Why labelled samples were not (all) carried over, or null when nothing was left behind.</summary>
    public string? SamplesReason { get; init; }

    /// <summary>Why promoted heads were not carried over, or null when nothing was left behind.</summary>
    public string? HeadsReason { get; init; }

    /// <summary>Whether something learned stayed behind (it must be kept where it is).</summary>
    public bool LeftBehind => SamplesReason is not null || HeadsReason is not null;
}
