using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <summary>One device's anomaly fit, from the <c>fit</c> reply to the <c>fit-result</c> on its <c>training</c> topic.</summary>
public sealed record FitOutcome
{
    /// <summary>The device id.</summary>
    public required string Device { get; init; }

    /// <summary>How the request went: only <see cref="CommandOutcomeKind.Ok"/> means the fit started.</summary>
    public required CommandOutcomeKind Request { get; init; }

    /// <summary>The fit's result message, when it came; null when the request was refused or the result did not come in time.</summary>
    public FitResult? Result { get; init; }

    /// <summary>The fit run id from the reply, or null.</summary>
    public string? RunId { get; init; }

    /// <summary>A sentence for people: the device's refusal, the failure or gate reason, or why no result came.</summary>
    public string? Message { get; init; }

    /// <summary>Whether a new model is in service on the device.</summary>
    public bool Promoted => Result?.Outcome == PromotionOutcome.Promoted;

    /// <summary>Whether something went wrong: refused, failed, or no reply or result in time (a model kept by the quality gate is not a failure).</summary>
    public bool Failed => Request != CommandOutcomeKind.Ok || Result is null || Result.Outcome == PromotionOutcome.Failed;
}
