using System.CommandLine;
using System.Globalization;

namespace EdgeTransfer.Device.Commands;

/// <summary><c>edgetransfer-device infer &lt;image&gt;</c>: one verdict for one image file.</summary>
internal static class InferCommand
{
    public static Command Create(TextWriter output)
    {
        var image = new Argument<string>("image") { Description = "A PNG, JPEG or BMP image of a part." };
        var command = new Command("infer", "Inspect one image with the head in service and print the verdict.") { image };
        command.SetAction(async (parse, _) =>
        {
            await using var device = DeviceSession.Open(parse.GetValue(DeviceCli.ConfigOption)!);
            var verdict = device.Infer(parse.GetValue(image)!);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verdict    {verdict.Outcome.ToString().ToLowerInvariant()}: {verdict.ClassName} ({verdict.Confidence:P1}), head {verdict.HeadVersion}"));
            if (verdict.Anomaly is { } anomaly)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"anomaly    score {anomaly.Score:0.000} (0.5 = threshold {anomaly.Threshold:0.0000}){(anomaly.IsAnomalous ? ", anomalous" : string.Empty)}, model {anomaly.ModelVersion}"));
            }

            var probabilities = verdict.Probabilities.ToArray();
            output.WriteLine("classes    " + string.Join(", ", device.Bundle.Classes.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"{c} {probabilities[i]:0.000}"))));
            var l = verdict.Latencies;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"latency    decode {l.Decode.TotalMilliseconds:0.0} ms, preprocess {l.Preprocess.TotalMilliseconds:0.0} ms, backbone {l.Backbone.TotalMilliseconds:0.0} ms, head {l.Head.TotalMilliseconds:0.00} ms (first frame: includes warm-up)"));
            return DeviceExitCodes.Success;
        });
        return command;
    }
}
