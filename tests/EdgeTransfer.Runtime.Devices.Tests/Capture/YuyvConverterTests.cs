using EdgeTransfer.Runtime.Capture;

namespace EdgeTransfer.Runtime.Devices.Tests.Capture;

public sealed class YuyvConverterTests
{
    [Theory]
    [InlineData(16, 128, 128, 0, 0, 0)] // limited-range black
    [InlineData(235, 128, 128, 255, 255, 255)] // limited-range white
    [InlineData(126, 128, 128, 128, 128, 128)] // mid grey: 298·110/256 = 128.05
    [InlineData(81, 90, 240, 255, 0, 0)] // BT.601 red (Y 81, Cb 90, Cr 240)
    [InlineData(145, 54, 34, 0, 255, 0)] // BT.601 green
    [InlineData(41, 240, 110, 0, 0, 255)] // BT.601 blue
    [InlineData(0, 0, 0, 0, 135, 0)] // out-of-range input is clamped, never wraps
    public void ConvertToRgb24_GivesTheBt601Colours_ForKnownYuv(byte y, byte u, byte v, byte r, byte g, byte b)
    {
        // Given a 2×1 frame whose two pixels share U and V
        byte[] yuyv = [y, u, y, v];
        var rgb = new byte[6];

        // When converted
        YuyvConverter.ConvertToRgb24(yuyv, 2, 1, rgb);

        // Then both pixels have the expected colour (within one level of the published values)
        for (var p = 0; p < 2; p++)
        {
            Assert.InRange(rgb[(p * 3) + 0], Math.Max(0, r - 1), Math.Min(255, r + 1));
            Assert.InRange(rgb[(p * 3) + 1], Math.Max(0, g - 1), Math.Min(255, g + 1));
            Assert.InRange(rgb[(p * 3) + 2], Math.Max(0, b - 1), Math.Min(255, b + 1));
        }
    }

    [Fact]
    public void ConvertToRgb24_StaysWithinOneLevel_OfTheFloatingPointBt601Matrix()
    {
        // Given random YUYV over the whole byte range, and the BT.601 matrix in double precision
        var random = new Random(601);
        const int Width = 64, Height = 48;
        var yuyv = new byte[Width * Height * 2];
        random.NextBytes(yuyv);
        var rgb = new byte[Width * Height * 3];

        // When converted
        YuyvConverter.ConvertToRgb24(yuyv, Width, Height, rgb);

        // Then every channel is within one level of the reference
        for (var pair = 0; pair < Width * Height / 2; pair++)
        {
            double u = yuyv[(pair * 4) + 1] - 128, v = yuyv[(pair * 4) + 3] - 128;
            for (var k = 0; k < 2; k++)
            {
                var c = 255.0 / 219.0 * (yuyv[(pair * 4) + (k * 2)] - 16);
                double[] expected =
                [
                    c + (255.0 / 224.0 * 1.402 * v),
                    c - (255.0 / 224.0 * 1.772 * 0.114 / 0.587 * u) - (255.0 / 224.0 * 1.402 * 0.299 / 0.587 * v),
                    c + (255.0 / 224.0 * 1.772 * u),
                ];
                for (var ch = 0; ch < 3; ch++)
                {
                    var want = Math.Clamp(Math.Round(expected[ch]), 0, 255);
                    var got = rgb[(((pair * 2) + k) * 3) + ch];
                    Assert.True(Math.Abs(got - want) <= 1, $"pair {pair} pixel {k} channel {ch}: {got} vs {want}");
                }
            }
        }
    }

    [Fact]
    public void ConvertToRgb24_RejectsAnOddWidth()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => YuyvConverter.ConvertToRgb24(new byte[12], 3, 1, new byte[9]));
    }

    [Fact]
    public void ConvertToRgb24_RejectsAShortFrame()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => YuyvConverter.ConvertToRgb24(new byte[7], 2, 2, new byte[12]));
    }
}
