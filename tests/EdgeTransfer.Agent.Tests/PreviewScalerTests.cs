namespace EdgeTransfer.Agent.Tests;

/// <summary>The preview's area-average scaler: sizes, aspect ratio, averages and enlargement.</summary>
public sealed class PreviewScalerTests
{
    [Theory]
    [InlineData(96, 96, 48, 48, 48)]
    [InlineData(96, 54, 48, 48, 27)]
    [InlineData(54, 96, 96, 54, 96)]
    [InlineData(96, 1, 8, 8, 1)]
    [InlineData(32, 24, 96, 96, 72)]
    public void Fit_GivesTheLongerSideTheSize_AndKeepsTheAspectRatio(int width, int height, int size, int expectedWidth, int expectedHeight)
    {
        Assert.Equal((expectedWidth, expectedHeight), PreviewScaler.Fit(width, height, size));
    }

    [Fact]
    public void Resample_AveragesTheAreaEachPixelCovers()
    {
        // Given 4 × 2 pixels: a black and a white column pair, then two reds
        byte[] rgb =
        [
            0, 0, 0, 255, 255, 255, 200, 0, 0, 100, 0, 0,
            0, 0, 0, 255, 255, 255, 200, 0, 0, 100, 0, 0,
        ];

        // When halved in both directions
        var half = PreviewScaler.Resample(rgb, 4, 2, 2, 1);

        // Then each output pixel is the mean of its 2 × 2 block
        Assert.Equal(new byte[] { 128, 128, 128, 150, 0, 0 }, half);
    }

    [Fact]
    public void Resample_RepeatsPixels_WhenEnlarging()
    {
        byte[] rgb = [10, 20, 30, 40, 50, 60, 70, 80, 90, 250, 240, 230];

        var large = PreviewScaler.Resample(rgb, 2, 2, 4, 4);

        Assert.Equal(4 * 4 * 3, large.Length);
        Assert.Equal(new byte[] { 10, 20, 30 }, large[..3]);
        Assert.Equal(new byte[] { 250, 240, 230 }, large[^3..]);
        Assert.Equal(new byte[] { 40, 50, 60 }, large.AsSpan(3 * 3, 3).ToArray());
    }

    [Fact]
    public void Resample_KeepsAUniformImageUniform_AtAnUnevenRatio()
    {
        var rgb = Enumerable.Repeat<byte[]>([7, 77, 177], 96 * 54).SelectMany(p => p).ToArray();

        var scaled = PreviewScaler.Resample(rgb, 96, 54, 41, 23);

        Assert.Equal(41 * 23 * 3, scaled.Length);
        Assert.All(scaled.Chunk(3), p => Assert.Equal(new byte[] { 7, 77, 177 }, p));
    }
}
