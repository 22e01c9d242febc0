using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Benchmarks.Training;
using EdgeTransfer.Onnx.Heads;
using EdgeTransfer.Training;

namespace EdgeTransfer.Benchmarks.Tests.Training;

public class PlainAdamWTrainerTests
{
    [Fact]
    public void OneStep_MatchesAHandComputedAdamWStep()
    {
        // Given a 1-feature, 2-class head at zero and one sample x = 2 of class 0
        var start = new HeadCheckpoint(
            [new NamedTensor(HeadParameterNames.Weight, [1, 2], [0f, 0f]), new NamedTensor(HeadParameterNames.Bias, [2], [0f, 0f])],
            [
                new NamedTensor("adam.m." + HeadParameterNames.Weight, [1, 2], [0f, 0f]),
                new NamedTensor("adam.v." + HeadParameterNames.Weight, [1, 2], [0f, 0f]),
                new NamedTensor("adam.m." + HeadParameterNames.Bias, [2], [0f, 0f]),
                new NamedTensor("adam.v." + HeadParameterNames.Bias, [2], [0f, 0f]),
            ],
            0,
            new Dictionary<string, string>());
        var trainer = new PlainAdamWTrainer(start, OptimizerSettings.AdamW());

        // When it takes one step with lr 0.1 and no decay
        var losses = trainer.Train(new FeatureSet([2f], [0], 1), new HeadTrainerOptions { Epochs = 1, BatchSize = 1, LearningRate = 0.1f, WeightDecay = 0 });

        // Then the loss is ln 2 and, since Adam's first step is lr·sign(g), the class-0 parameters rise by 0.1
        // and the class-1 parameters fall by 0.1 (p = [½, ½], ∂z = [−½, ½], ∂W = x·∂z)
        Assert.Equal(Math.Log(2), losses[0], 6);
        Assert.Equal(0.1f, trainer.Weight[0], 5);
        Assert.Equal(-0.1f, trainer.Weight[1], 5);
        Assert.Equal(0.1f, trainer.Bias[0], 5);
        Assert.Equal(-0.1f, trainer.Bias[1], 5);
    }
}
