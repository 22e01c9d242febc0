namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>Test accuracy of linear heads trained (through the SDK's ORT training graphs) on float and on int8 features.</summary>
/// <param name="TrainSamples">Train images the heads learned from.</param>
/// <param name="TestSamples">Test images they were measured on.</param>
/// <param name="Epochs">Training epochs.</param>
/// <param name="FloatAccuracy">Accuracy (0–1) of the head trained and tested on float features.</param>
/// <param name="QuantizedAccuracy">Accuracy (0–1) of the head trained and tested on int8 features.</param>
/// <param name="FloatFinalLoss">The float head's last-epoch training loss.</param>
/// <param name="Int8FinalLoss">The int8 head's last-epoch training loss.</param>
public sealed record HeadAccuracy(int TrainSamples, int TestSamples, int Epochs, double FloatAccuracy, double QuantizedAccuracy, double FloatFinalLoss, double Int8FinalLoss)
{
    /// <summary>int8 minus float accuracy, in percentage points (negative: int8 is worse).</summary>
    public double DifferencePoints => (QuantizedAccuracy - FloatAccuracy) * 100;
}
