namespace EdgeTransfer.Mqtt.Commands;

/// <summary>
/// <c>cmd/evaluate</c>: evaluate the head in service (or head <see cref="HeadVersion"/>) on the stored labelled
/// samples it was never trained on; the reply holds accuracy, balanced accuracy, per-class precision and recall,
/// the confusion matrix and the verdict counts under the inspection policy.
/// </summary>
public sealed record EvaluateRequest : CommandRequest
{
    /// <summary>The head version to evaluate, 1 or more; null for the head in service. It is not put in service.</summary>
    public long? HeadVersion { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequestChecks.Range("headVersion", HeadVersion, 1, long.MaxValue);
    }
}
