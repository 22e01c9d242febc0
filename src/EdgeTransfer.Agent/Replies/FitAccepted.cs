namespace EdgeTransfer.Agent.Replies;

/// <summary>The <c>result</c> of a <c>fit</c> reply: the fit started in the background; progress and the result follow on <c>training</c>.</summary>
public sealed record FitAccepted
{
    /// <summary>The run id that the <c>fit-progress</c> and <c>fit-result</c> messages carry.</summary>
    public string RunId { get; init; } = "";

    /// <summary>Good images found in <c>inspection.anomaly.goodImages</c>.</summary>
    public int GoodImages { get; init; }

    /// <summary>Defect images found in <c>inspection.anomaly.defectImages</c> (0 when none are configured or asked for).</summary>
    public int DefectImages { get; init; }

    /// <summary>The anomaly model in service when the fit started, or null.</summary>
    public string? InService { get; init; }
}
