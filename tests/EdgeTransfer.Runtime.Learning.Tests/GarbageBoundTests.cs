using EdgeTransfer.Training.Recipes;

namespace EdgeTransfer.Runtime.Learning.Tests;

/// <summary>The recipe selection's bound on garbage between collections. Alone: other tests' allocations would move the heap.</summary>
[Collection(RunsAlone.Name)]
public class GarbageBoundTests
{
    [Fact]
    public void CollectIfGrown_CollectsOnce_WhenTheHeapGrewPastTheLimit()
    {
        // Given a bound of 1 MB and 4 MB allocated after it was made
        var bound = new GarbageBound(1L << 20);
        var kept = new byte[4 << 20];

        // When it is asked twice in a row
        bound.CollectIfGrown();
        bound.CollectIfGrown();

        // Then the first call collected and the second found the heap at its new baseline
        Assert.Equal(1, bound.Collections);
        GC.KeepAlive(kept);
    }

    [Fact]
    public void CollectIfGrown_DoesNotCollect_WhileTheHeapStaysWithinTheLimit()
    {
        var bound = new GarbageBound(64L << 20);
        var small = new byte[1 << 16];

        bound.CollectIfGrown();

        Assert.Equal(0, bound.Collections);
        GC.KeepAlive(small);
    }
}
