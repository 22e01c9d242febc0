namespace EdgeTransfer.Agent.Replies;

/// <summary>The <c>result</c> of a <c>train</c> reply: the run started in the background; progress and the result follow on <c>training</c>.</summary>
public sealed record TrainAccepted
{
    /// <summary>The run id that the <c>training</c> messages carry.</summary>
    public string RunId { get; init; } = "";

    /// <summary>The most epochs the run takes.</summary>
    public int Epochs { get; init; }

    /// <summary>The learning rate.</summary>
    public double LearningRate { get; init; }

    /// <summary>The batch size.</summary>
    public int BatchSize { get; init; }

    /// <summary>Samples in the store when the run started.</summary>
    public int Samples { get; init; }
}
