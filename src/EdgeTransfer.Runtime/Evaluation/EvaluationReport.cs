using System.Text.Json;
using EdgeTransfer.Imaging.Datasets;

namespace EdgeTransfer.Runtime.Evaluation;

/// <summary>
/// How a head did on labelled parts: accuracy, balanced accuracy, precision and recall per class, the confusion
/// matrix, and what the inspection policy would have done with the parts (false rejects, escapes). The one
/// result of every <c>evaluate</c> command (device, host, MQTT), as a table or as JSON.
/// </summary>
public sealed record EvaluationReport
{
    /// <summary>The bundle whose backbone made the features.</summary>
    public required string BundleId { get; init; }

    /// <summary>The head evaluated: a version of the device (<c>v0003</c>), <c>initial</c>, or a checkpoint file.</summary>
    public required string Head { get; init; }

    /// <summary>What was evaluated: an image folder, or the stored samples.</summary>
    public required string Data { get; init; }

    /// <summary>The number of parts evaluated.</summary>
    public required int Count { get; init; }

    /// <summary>The fraction of parts whose most probable class is their class, 0 to 1.</summary>
    public required double Accuracy { get; init; }

    /// <summary>The mean recall over the classes that have parts, 0 to 1 (absent classes do not count).</summary>
    public required double BalancedAccuracy { get; init; }

    /// <summary>Per class, in head output order.</summary>
    public required IReadOnlyList<ClassEvaluation> Classes { get; init; }

    /// <summary>Parts by true class (rows) and most probable class (columns), in head output order.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix { get; init; }

    /// <summary>What the inspection policy would have done with the parts.</summary>
    public required VerdictCounts Verdicts { get; init; }

    /// <summary>Files that were not evaluated, and why (unreadable images, images beside the class folders).</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; init; } = [];

    /// <summary>The report as indented JSON (camelCase keys; a rate that cannot be measured is null).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, EvaluationJsonContext.Default.EvaluationReport);

    /// <summary>Writes the report as the <c>evaluate</c> commands print it: JSON, or the tables of <see cref="EvaluationTable"/>.</summary>
    /// <param name="output">Where to write.</param>
    /// <param name="json">JSON instead of the tables.</param>
    public void WriteTo(TextWriter output, bool json)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (json)
        {
            output.WriteLine(ToJson());
        }
        else
        {
            EvaluationTable.Write(this, output);
        }
    }

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="JsonException">The text is not a report.</exception>
    public static EvaluationReport FromJson(string json) =>
        JsonSerializer.Deserialize(json, EvaluationJsonContext.Default.EvaluationReport)
        ?? throw new JsonException("Expected an evaluation report, got null.");
}
