namespace EdgeTransfer.Agent.Replies;

/// <summary>
/// The <c>validation</c> part of a status: the confusion matrix of the head in service on the validation samples of
/// the training run that promoted it.
/// </summary>
public sealed record ValidationReport
{
    /// <summary>The bundle's classes, in head order: the names of the rows and of the columns.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];

    /// <summary>One row per true class, one count per predicted class (<c>matrix[actual][predicted]</c>).</summary>
    public IReadOnlyList<IReadOnlyList<long>> Matrix { get; init; } = [];
}
