using System.CommandLine;
using System.Globalization;
using EdgeTransfer.Runtime.Anomaly;

namespace EdgeTransfer.Device.Commands;

/// <summary>
/// <c>edgetransfer-device fit --data &lt;good images&gt; [--defects &lt;folder&gt;] [--json]</c>: fit an anomaly
/// model from good parts on the device; the quality gate promotes it only if it is not clearly worse than the
/// model in service.
/// </summary>
internal static class FitCommand
{
    public static Command Create(TextWriter output)
    {
        var data = new Option<string>("--data") { Description = "A flat folder of good images, or an MVTec AD category (its train/good is read).", Required = true };
        var defects = new Option<string?>("--defects") { Description = "Optional images of defects (flat, or one folder per kind): they only measure the model (AUROC) for the quality gate." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object instead of lines." };
        var command = new Command("fit", "Fit an anomaly model from good parts on the device; the quality gate promotes it only if it is not clearly worse than the model in service.") { data, defects, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var device = DeviceSession.Open(parse.GetValue(DeviceCli.ConfigOption)!);
            using var stop = ShutdownSignal.Listen();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
            var asJson = parse.GetValue(json);
            var progress = asJson ? null : new LineProgress(output);
            var outcome = device.Anomaly.Fit(parse.GetValue(data)!, parse.GetValue(defects), progress, linked.Token);
            output.WriteLine(asJson ? FitReport.Json(outcome) : FitReport.Text(outcome));
            return outcome.Promoted is null ? DeviceExitCodes.Failure : DeviceExitCodes.Success;
        });
        return command;
    }

    // Synchronous (not Progress<T>, which posts to the thread pool): lines come out in order, before the result.
    private sealed class LineProgress(TextWriter output) : IProgress<AnomalyFitProgress>
    {
        private AnomalyFitStage? _stage;

        public void Report(AnomalyFitProgress value)
        {
            var last = value.Done == value.Total;
            if (value.Stage == _stage && !last && value.Done % 20 != 0)
            {
                return;
            }

            _stage = value.Stage;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fit        {value.Stage.ToString().ToLowerInvariant(),-12} {value.Done}/{value.Total}"));
        }
    }
}
