using System.CommandLine;
using System.Globalization;
using EdgeTransfer.Runtime.Learning;

namespace EdgeTransfer.Device.Commands;

/// <summary><c>edgetransfer-device train</c>: train a head on the stored samples; promote it if it is at least as good.</summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("train", "Train a head on the stored samples; the quality gate promotes it only if it is at least as good as the head in service.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var device = DeviceSession.Open(parse.GetValue(DeviceCli.ConfigOption)!);
            using var stop = ShutdownSignal.Listen();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
            var progress = new Progress<TrainingProgress>(p => output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"epoch {p.Epoch,3}/{p.Epochs}  loss {p.TrainLoss:0.0000}  val loss {p.ValidationLoss:0.0000}  val acc {p.ValidationAccuracy:P1}  lr {p.LearningRate:0.00e0}  eta {p.EstimatedRemaining.TotalSeconds:0.0}s{(p.IsBest ? "  *" : string.Empty)}")));
            var result = await device.TrainAsync(progress, linked.Token);
            output.WriteLine($"result     {result.Outcome}: {result.Reason}");
            output.WriteLine($"head       {device.Heads.Current!.Name} in service");
            return result.Outcome is TrainingOutcome.Promoted or TrainingOutcome.KeptByQualityGate ? DeviceExitCodes.Success : DeviceExitCodes.Failure;
        });
        return command;
    }
}
