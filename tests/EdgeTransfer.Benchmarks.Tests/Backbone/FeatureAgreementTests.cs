using EdgeTransfer.Benchmarks.Backbone;

namespace EdgeTransfer.Benchmarks.Tests.Backbone;

public class FeatureAgreementTests
{
    [Fact]
    public void Cosine_IsOneForParallelVectors_ZeroForOrthogonal_AndOneForTwoZeros()
    {
        Assert.Equal(1, FeatureAgreement.Cosine([1f, 2f, 3f], [2f, 4f, 6f]), 9);
        Assert.Equal(0, FeatureAgreement.Cosine([1f, 0f], [0f, 5f]), 9);
        Assert.Equal(1, FeatureAgreement.Cosine([0f, 0f], [0f, 0f]), 9);
        Assert.Equal(0, FeatureAgreement.Cosine([0f, 0f], [1f, 0f]), 9);
    }

    [Fact]
    public void Cosine_RejectsVectorsOfDifferentLength() =>
        Assert.Throws<ArgumentException>(() => FeatureAgreement.Cosine([1f, 2f], [1f]));
}
