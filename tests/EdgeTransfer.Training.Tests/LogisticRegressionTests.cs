using EdgeTransfer.Training.Recipes;

namespace EdgeTransfer.Training.Tests;

public sealed class LogisticRegressionTests
{
    [Theory]
    [InlineData(0.01)]
    [InlineData(1.0)]
    public void Fit_EndsAtTheOptimum_WhereTheWeightsEqualCTimesTheResidualsTimesTheFeatures(double c)
    {
        // Given overlapping blobs (no separating solution, so the optimum is finite at any C)
        var (train, _) = Blobs.Make(classes: 3, dimension: 5, trainPerClass: 30, testPerClass: 1, seed: 4, centreScale: 0.5);

        // When the L2 logistic regression is fitted
        var head = LogisticRegression.Fit(train, 3, c, maxIterations: 500);

        // Then the optimality conditions of C·Σ CE + ½‖W‖², computed here from the head's own probabilities, hold:
        // W = C·Σᵢ (yᵢ − pᵢ) xᵢᵀ for the weights and Σᵢ (yᵢ − pᵢ) = 0 for the unpenalised bias
        var residual = new double[train.Count, 3];
        Span<float> logits = stackalloc float[3];
        for (var i = 0; i < train.Count; i++)
        {
            head.Logits(train.Row(i), logits);
            var max = Math.Max(logits[0], Math.Max(logits[1], logits[2]));
            var sum = 0.0;
            for (var k = 0; k < 3; k++)
            {
                sum += Math.Exp(logits[k] - max);
            }

            for (var k = 0; k < 3; k++)
            {
                residual[i, k] = (train.Labels.Span[i] == k ? 1 : 0) - (Math.Exp(logits[k] - max) / sum);
            }
        }

        for (var k = 0; k < 3; k++)
        {
            var biasResidual = Enumerable.Range(0, train.Count).Sum(i => residual[i, k]);
            Assert.True(Math.Abs(biasResidual) < 5e-3, $"class {k}: Σ (y − p) = {biasResidual}");
            for (var j = 0; j < 5; j++)
            {
                var expected = c * Enumerable.Range(0, train.Count).Sum(i => residual[i, k] * train.Row(i)[j]);
                var actual = head.Weight[(j * 3) + k];
                Assert.True(Math.Abs(expected - actual) < 5e-3, $"W[{j},{k}] = {actual}, C·Σ (y − p) x = {expected}");
            }
        }
    }

    [Fact]
    public void Fit_WithAStrongerPenalty_GivesSmallerWeights()
    {
        var (train, _) = Blobs.Make(classes: 3, dimension: 8, trainPerClass: 20, testPerClass: 1, seed: 2);

        var weak = LogisticRegression.Fit(train, 3, 1.0);
        var strong = LogisticRegression.Fit(train, 3, 0.001);

        Assert.True(Norm(strong.Weight) < Norm(weak.Weight) / 5, $"{Norm(strong.Weight)} vs {Norm(weak.Weight)}");
    }

    [Fact]
    public void TheLogisticCandidate_IsNamedByItsPenalty_AndIsInTheDefaultGrid()
    {
        var candidate = new RecipeCandidate(RecipeKind.Logistic, 0, Penalty: 0.03f);

        Assert.Equal("logistic(l2=0.03)", candidate.Name);
        Assert.Contains(RecipeOptions.DefaultGrid, g => g.Kind == RecipeKind.Logistic);
    }

    private static double Norm(float[] values) => Math.Sqrt(values.Sum(v => (double)v * v));
}
