namespace EdgeTransfer.Runtime.Inspection;

/// <summary>What happens to a part whose verdict is <see cref="VerdictOutcome.Uncertain"/>.</summary>
public enum UncertainAction
{
    /// <summary>Reject it (the default): a part the model cannot vouch for does not go on to the customer.</summary>
    Reject,

    /// <summary>Let it pass; the verdict is still reported as uncertain.</summary>
    Pass,
}
