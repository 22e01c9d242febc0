namespace EdgeTransfer.Runtime.Inspection;

/// <summary>A frame was inspected.</summary>
/// <param name="verdict">The verdict.</param>
public sealed class VerdictEventArgs(Verdict verdict) : EventArgs
{
    /// <summary>The verdict.</summary>
    public Verdict Verdict { get; } = verdict;
}
