namespace EdgeTransfer.Runtime.Learning.Tests;

/// <summary>Timed tests run alone: xunit runs other test classes in parallel, which would time them instead.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Timing (runs alone)";
}
