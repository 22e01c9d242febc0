namespace EdgeTransfer.Agent;

/// <summary>A training run or anomaly fit that a command started in the background: its id, its cancellation and its end.</summary>
/// <param name="runId">The id the fleet sees in the reply and on the <c>training</c> topic.</param>
/// <param name="cancel">Cancels the run (linked to the agent's stop); disposed when the run ends.</param>
internal sealed class BackgroundRun(string runId, CancellationTokenSource cancel)
{
    /// <summary>The run's id.</summary>
    public string RunId { get; } = runId;

    /// <summary>Cancels the run.</summary>
    public CancellationTokenSource Cancel { get; } = cancel;

    /// <summary>Ends when the run's result is queued.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>The id of <paramref name="run"/> while it is in progress, or null.</summary>
    public static string? IdWhileRunning(BackgroundRun? run) => run is { Completion.IsCompleted: false } ? run.RunId : null;
}
