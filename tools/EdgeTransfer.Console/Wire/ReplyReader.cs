using System.Globalization;
using System.Text.Json;
using EdgeTransfer.Fleet.Wire;
using EdgeTransfer.LineConsole.Model;

namespace EdgeTransfer.LineConsole.Wire;

/// <summary>
/// Reads the results of the console's own commands (device messages go through <see cref="DeviceMessageDecoder"/>).
/// The result shapes are the agent's (src/EdgeTransfer.Agent/Replies, docs/console.md): a status reply carries classes,
/// storeByClass, collecting, head, inspection and config; a config reply the settings in effect; a rollback reply the
/// head in service; a preview reply a small RGB image and maybe an anomaly map.
/// </summary>
internal static class ReplyReader
{
    private const int MaxPreviewSide = 96;

    public static ReplyFacts ReadResult(JsonElement result, string command)
    {
        var fields = new WireFields(result, $"reply/{command}");
        var facts = new ReplyFacts { Classes = fields.Texts("classes", 64), Samples = fields.Counts("storeByClass") };
        var inspection = fields.Nested("inspection");
        var config = fields.Nested("config");
        var head = fields.Nested("head");
        var paused = fields.Flag("inspectionPaused") ?? inspection?.Flag("paused") ?? config?.Flag("inspectionPaused");
        var headVersion = command == "status" ? head?.Whole("version") : command == "rollback" ? fields.Whole("headVersion") : null;
        var collecting = command == "status" ? fields.Text("collecting", 64) : null;
        foreach (var nested in new[] { inspection, config, head })
        {
            if (nested?.Error is { } error)
            {
                fields.Fail(error);
            }
        }

        if (fields.Error is not null)
        {
            return facts with { Error = fields.Error };
        }

        facts = facts with { Paused = paused, HeadVersion = headVersion, SetsCollecting = command == "status", Collecting = collecting };
        if (fields.Nested("validation") is { } validation)
        {
            facts = facts with { Confusion = ReadValidation(validation), Error = validation.Error };
        }

        return facts with { Error = facts.Error ?? fields.Error };
    }

    public static (PreviewFrame? Frame, string? Error, string? Note) ReadPreview(JsonElement? result, DateTimeOffset now)
    {
        if (result is not { ValueKind: JsonValueKind.Object } element)
        {
            return (null, "reply/preview: no result object", "no preview: the device's reply had no image");
        }

        var fields = new WireFields(element, "reply/preview");
        var frame = fields.Whole("frameId") ?? -1;
        var width = fields.Whole("width");
        var height = fields.Whole("height");
        var format = fields.Text("format", 16);
        var data = fields.Text("data", 4 * ((MaxPreviewSide * MaxPreviewSide * 3 + 2) / 3));
        var map = AnomalyMapView.Read(fields.Nested("anomalyMap"), fields);
        if (fields.Error is null && (width is not (>= 1 and <= MaxPreviewSide) || height is not (>= 1 and <= MaxPreviewSide) || format != "rgb24" || data is null))
        {
            fields.Fail($"reply/preview: expected width and height 1–{MaxPreviewSide}, format \"rgb24\" and data");
        }

        byte[]? rgb = null;
        if (fields.Error is null)
        {
            rgb = new byte[width!.Value * height!.Value * 3];
            if (!Convert.TryFromBase64String(data!, rgb, out var written) || written != rgb.Length)
            {
                fields.Fail(string.Create(CultureInfo.InvariantCulture, $"reply/preview: data is not base64 of {rgb.Length} bytes ({width}×{height}×3)"));
            }
        }

        return fields.Error is { } error
            ? (null, error, "no preview: the device sent an image the console cannot read")
            : (new PreviewFrame(frame, (int)width!.Value, (int)height!.Value, rgb, now, map), null, null);
    }

    private static ConfusionView? ReadValidation(WireFields validation)
    {
        var classes = validation.Texts("classes", 32);
        var matrix = validation.Array("matrix", 32);
        if (validation.Error is not null || classes is null || matrix is null)
        {
            validation.Fail("validation: expected classes (names) and matrix (rows of counts)");
            return null;
        }

        var rows = new List<IReadOnlyList<long>>();
        foreach (var row in matrix.Value.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != classes.Count)
            {
                validation.Fail("validation: every matrix row must have one count per class");
                return null;
            }

            var counts = new List<long>();
            foreach (var cell in row.EnumerateArray())
            {
                if (cell.ValueKind != JsonValueKind.Number || !cell.TryGetInt64(out var count) || count < 0)
                {
                    validation.Fail("validation: matrix cells must be whole numbers of 0 or more");
                    return null;
                }

                counts.Add(count);
            }

            rows.Add(counts);
        }

        if (rows.Count != classes.Count)
        {
            validation.Fail(string.Create(CultureInfo.InvariantCulture, $"validation: {rows.Count} matrix rows for {classes.Count} classes"));
            return null;
        }

        return new ConfusionView(classes, rows);
    }
}
