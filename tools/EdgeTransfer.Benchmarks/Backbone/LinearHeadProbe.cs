using EdgeTransfer.Onnx.Heads;
using EdgeTransfer.Training;
using Google.Protobuf;

namespace EdgeTransfer.Benchmarks.Backbone;

/// <summary>
/// Trains a linear head on features exactly as the device does (the bundle's ORT training and optimizer
/// graphs, AdamW, batch 32, seeded) and measures it on held-out features.
/// </summary>
internal static class LinearHeadProbe
{
    public static (double Accuracy, double FinalLoss) TrainAndEvaluate(FeatureSet train, FeatureSet test, int classCount, int epochs, float learningRate, int seed)
    {
        var head = HeadArchitecture.Linear;
        var optimizer = OptimizerSettings.AdamW(learningRate);
        var d = train.FeatureSize;
        var start = InitialHead.Create(head, d, classCount, seed, optimizer);
        var options = new HeadTrainerOptions { Epochs = epochs, BatchSize = 32, Seed = seed, LearningRate = learningRate };
        using var trainer = new HeadTrainer(
            HeadGraphs.Training(head, d, classCount).ToByteArray(),
            HeadGraphs.Optimizer(head, optimizer, d, classCount).ToByteArray(),
            start,
            options);
        var summary = trainer.Train(train);
        using var predictor = new HeadPredictor(HeadGraphs.Inference(head, d, classCount).ToByteArray(), trainer.ExportCheckpoint());
        return (HeadEvaluator.Evaluate(predictor, test).Accuracy, summary.FinalLoss);
    }
}
