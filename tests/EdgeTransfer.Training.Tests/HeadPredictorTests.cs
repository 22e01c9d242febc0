using EdgeTransfer.Onnx.Heads;
using Google.Protobuf;

namespace EdgeTransfer.Training.Tests;

public class HeadPredictorTests
{
    [Fact]
    public void Predict_FollowsUpdatedParameters_AndAnyBatchSize()
    {
        // Given a predictor created with one head, then updated to another
        var problem = new HeadProblem(HeadArchitecture.Mlp(5));
        var first = InitialHead.Create(problem.Head, problem.D, problem.C, seed: 99);
        using var predictor = new HeadPredictor(HeadGraphs.Inference(problem.Head, problem.D, problem.C).ToByteArray(), first);
        predictor.Predict(problem.Features.AsSpan(0, problem.D));
        predictor.UpdateParameters(new Artifacts.Checkpoints.HeadCheckpoint(problem.Parameters));

        // When it predicts the whole batch
        var probabilities = predictor.Predict(problem.Features);

        // Then the probabilities are those of the new head (reference softmax)
        var logp = Reference.LogSoftmax(Reference.Logits(problem.Features, problem.N, problem.D, problem.Parameters), problem.N, problem.C);
        Assert.Equal(logp.Length, probabilities.Length);
        for (var i = 0; i < logp.Length; i++)
        {
            Assert.Equal(Math.Exp(logp[i]), probabilities[i], 1e-6);
        }
    }

    [Fact]
    public void UpdateParameters_RejectsAnotherShape_AndKeepsTheHead()
    {
        // Given a predictor for D = 6
        var problem = new HeadProblem(HeadArchitecture.Linear);
        using var predictor = new HeadPredictor(HeadGraphs.Inference(problem.Head, problem.D, problem.C).ToByteArray(), new Artifacts.Checkpoints.HeadCheckpoint(problem.Parameters));
        var before = predictor.Predict(problem.Features);

        // When parameters for D = 7 are offered, Then they are refused and predictions do not change
        Assert.Throws<EdgeTransferException>(() => predictor.UpdateParameters(InitialHead.Create(HeadArchitecture.Linear, 7, problem.C, 1)));
        Assert.Equal(before, predictor.Predict(problem.Features));
    }
}
