using System.Globalization;

namespace EdgeTransfer.Runtime.Evaluation;

/// <summary>Writes an <see cref="EvaluationReport"/> as the plain-text tables the <c>evaluate</c> commands print.</summary>
public static class EvaluationTable
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="output"/>.</summary>
    /// <param name="report">The report.</param>
    /// <param name="output">Where to write.</param>
    public static void Write(EvaluationReport report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var classes = report.Classes;
        output.WriteLine(Text($"evaluated  {report.Count} parts of {classes.Count(c => c.Support > 0)} classes from {report.Data}"));
        output.WriteLine(Text($"head       {report.Head} of bundle {report.BundleId}"));
        if (report.Skipped.Count > 0)
        {
            output.WriteLine(Text($"skipped    {report.Skipped.Count} files:"));
            foreach (var s in report.Skipped)
            {
                output.WriteLine(Text($"             {s.Path}: {s.Reason}"));
            }
        }

        output.WriteLine(Text($"accuracy   {Percent(report.Accuracy)}, balanced {Percent(report.BalancedAccuracy)} (mean recall of the classes present)"));
        output.WriteLine();

        var width = Math.Max(5, classes.Max(c => c.Name.Length));
        output.WriteLine(Text($"{"class".PadRight(width)}  {"kind",-6}  {"parts",6}  {"predicted",9}  {"precision",9}  {"recall",7}"));
        foreach (var c in classes)
        {
            output.WriteLine(Text($"{c.Name.PadRight(width)}  {(c.IsDefect ? "defect" : "pass"),-6}  {c.Support,6}  {c.Predicted,9}  {Percent(c.Precision),9}  {Percent(c.Recall),7}"));
        }

        output.WriteLine();
        output.WriteLine("confusion matrix (rows: true class, columns: most probable class)");
        var cell = Math.Max(width, report.ConfusionMatrix.SelectMany(r => r).Select(v => v.ToString(CultureInfo.InvariantCulture).Length).DefaultIfEmpty(1).Max());
        output.WriteLine(new string(' ', width) + string.Concat(classes.Select(c => "  " + c.Name.PadLeft(cell))));
        for (var r = 0; r < classes.Count; r++)
        {
            output.WriteLine(classes[r].Name.PadRight(width) + string.Concat(report.ConfusionMatrix[r].Select(v => "  " + v.ToString(CultureInfo.InvariantCulture).PadLeft(cell))));
        }

        var v = report.Verdicts;
        output.WriteLine();
        output.WriteLine("verdicts under the inspection policy");
        output.WriteLine(Text($"good parts       {v.GoodParts,6}: {v.Passed} passed, {v.FalseRejects} rejected (false rejects {Percent(v.FalseRejectRate)})"));
        output.WriteLine(Text($"defective parts  {v.DefectiveParts,6}: {v.Rejected} rejected, {v.Escapes} passed (escapes {Percent(v.EscapeRate)})"));
        output.WriteLine(Text($"uncertain        {v.Uncertain,6}"));
    }

    private static string Percent(double? value) => value is { } v && double.IsFinite(v) ? Text($"{v * 100:0.0} %") : "—";

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
