using System.Globalization;
using Spectre.Console;

namespace EdgeTransfer.Demo;

/// <summary>Prints the normal-only act's part of the report.</summary>
internal static class AnomalyActPrinter
{
    public static void Print(AnomalyActReport r, IAnsiConsole console)
    {
        string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
        var table = new Table().Title("[bold]normal-only act: good parts only → fit on the device → defects never shown[/]").AddColumn("").AddColumn("");
        table.AddRow("fitted from", I($"{r.GoodParts} good parts, no defect shown; {r.ModelVersion} in service"));
        table.AddRow("fit on the device", I($"{r.FitSeconds:0.0} s (backbone runs included), bank {r.BankBytes / 1024.0:0} KiB"));
        table.AddRow("image AUROC", I($"{r.ImageAuroc:0.000} (new good parts vs every defect kind)"));
        table.AddRow("pixel AUROC", I($"{r.PixelAuroc:0.000} (maps vs exact defect masks)"));
        table.AddRow("good parts rejected", I($"{r.FalseRejectRate:P1} of {r.GoodTested} new good parts"));
        foreach (var (kind, parts, rejected, auroc) in r.Kinds)
        {
            table.AddRow(Markup.Escape($"'{kind}' never shown"), I($"{rejected}/{parts} rejected, AUROC {auroc:0.000}"));
        }

        table.AddRow("map", Markup.Escape(I($"{r.MapImage} ({r.MapKind}, score {r.MapScore:0.00}; 0.5 = threshold) → {r.MapPath}")));
        console.Write(table);
        console.Write(new Panel(new Text(r.MapAscii)).Header(" anomaly map of the median defect part (28 × 28 patches, two rows per line) "));
    }
}
