namespace EdgeTransfer.Runtime.Configuration;

/// <summary>One thing wrong in a configuration: the key as written in the file and why its value cannot be used.</summary>
/// <param name="Key">The JSON path of the key, such as <c>training.epochs</c> or <c>inspection.thresholds.scratch</c>.</param>
/// <param name="Reason">What was expected and what was found, as a sentence.</param>
public sealed record SettingProblem(string Key, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{Key}: {Reason}";
}
