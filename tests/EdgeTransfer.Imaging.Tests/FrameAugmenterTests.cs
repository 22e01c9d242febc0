using EdgeTransfer.Imaging.Augmentation;

namespace EdgeTransfer.Imaging.Tests;

public sealed class FrameAugmenterTests
{
    private const int Width = 20;
    private const int Height = 10;

    [Fact]
    public void EvenViews_AreMirroredCrops_OddViewsAreNot()
    {
        // Given a frame whose red byte is the column and green byte the row, and no brightness change
        var frame = Gradient();
        var augmenter = new FrameAugmenter(new AugmentationOptions { Enabled = true, Views = 2, Crop = 0.2, Brightness = 0 });
        var view = new byte[Width * Height * 3];

        // When views 0 and 1 are rendered
        var (w0, h0) = augmenter.Render(frame, Width, Height, Width * 3, 0, seed: 9, view);
        var mirrored = view.AsSpan(0, w0 * h0 * 3).ToArray();
        var (w1, h1) = augmenter.Render(frame, Width, Height, Width * 3, 1, seed: 9, view);
        var plain = view.AsSpan(0, w1 * h1 * 3).ToArray();

        // Then both are 80 % crops; view 0 runs right to left, view 1 left to right, each row one frame row
        Assert.Equal((16, 8), (w0, h0));
        Assert.Equal((16, 8), (w1, h1));
        Assert.Equal(mirrored[0] - 15, mirrored[(w0 - 1) * 3]);
        Assert.Equal(plain[0] + 15, plain[(w1 - 1) * 3]);
        Assert.Equal(mirrored[1] + 1, mirrored[(w0 * 3) + 1]);
    }

    [Fact]
    public void TheSameFrameAndSeed_GiveTheSameViews_AnotherSeedOthers()
    {
        var frame = Gradient();
        var augmenter = new FrameAugmenter(new AugmentationOptions { Enabled = true, Views = 3 });
        var a = new byte[Width * Height * 3];
        var b = new byte[Width * Height * 3];
        var c = new byte[Width * Height * 3];

        augmenter.Render(frame, Width, Height, Width * 3, 1, seed: 4, a);
        augmenter.Render(frame, Width, Height, Width * 3, 1, seed: 4, b);
        augmenter.Render(frame, Width, Height, Width * 3, 1, seed: 5, c);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Brightness_ScalesEveryByteByOneFactorWithinTheRange(int seed)
    {
        // Given a flat grey frame and no crop or flip
        var frame = Enumerable.Repeat((byte)100, Width * Height * 3).ToArray();
        var augmenter = new FrameAugmenter(new AugmentationOptions { Enabled = true, Views = 1, Flip = false, Crop = 0, Brightness = 0.3 });
        var view = new byte[Width * Height * 3];

        augmenter.Render(frame, Width, Height, Width * 3, 0, (ulong)seed, view);

        // Then the view is flat too, at 70 to 130
        Assert.All(view, v => Assert.Equal(view[0], v));
        Assert.InRange(view[0], 70, 130);
    }

    [Fact]
    public void OptionsOutOfRange_AreRefused_NamingTheOption()
    {
        var error = Assert.Throws<ArgumentException>(() => new FrameAugmenter(new AugmentationOptions { Views = 40 }));

        Assert.Contains("'views'", error.Message, StringComparison.Ordinal);
        Assert.Contains("got 40", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Gradient()
    {
        var frame = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                frame[(((y * Width) + x) * 3) + 0] = (byte)(10 + x);
                frame[(((y * Width) + x) * 3) + 1] = (byte)(10 + y);
                frame[(((y * Width) + x) * 3) + 2] = 50;
            }
        }

        return frame;
    }
}
