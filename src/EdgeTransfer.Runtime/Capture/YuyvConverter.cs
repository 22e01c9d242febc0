namespace EdgeTransfer.Runtime.Capture;

/// <summary>
/// Converts YUYV 4:2:2 (V4L2 <c>V4L2_PIX_FMT_YUYV</c>: bytes Y0 U Y1 V for each pair of pixels) to RGB24
/// with the ITU-R BT.601 matrix for limited-range ("studio swing") video, which is what USB UVC webcams
/// send: Y in 16–235, Cb/Cr in 16–240 around 128.
/// </summary>
/// <remarks>
/// <para>
/// Integer arithmetic with 8 fractional bits, the classic fixed-point form of BT.601:
/// <c>R = (298·(Y−16) + 409·(V−128) + 128) ≫ 8</c>,
/// <c>G = (298·(Y−16) − 100·(U−128) − 208·(V−128) + 128) ≫ 8</c>,
/// <c>B = (298·(Y−16) + 516·(U−128) + 128) ≫ 8</c>, clamped to 0–255
/// (298/256 ≈ 255/219, 409/256 ≈ 1.596, 100/256 ≈ 0.391, 208/256 ≈ 0.813, 516/256 ≈ 2.018).
/// It stays within one level of the floating-point matrix, allocates nothing and writes into the
/// caller's buffer, so the camera path reuses one buffer for every frame.
/// </para>
/// <para>Rows must be packed (a stride of <c>width × 2</c> bytes), which is what V4L2 drivers report for YUYV.</para>
/// </remarks>
public static class YuyvConverter
{
    /// <summary>The number of YUYV bytes of a frame.</summary>
    /// <param name="width">The width in pixels (even).</param>
    /// <param name="height">The height in pixels.</param>
    /// <returns><c>width × height × 2</c>.</returns>
    public static int FrameLength(int width, int height) => checked(width * height * 2);

    /// <summary>Converts one frame.</summary>
    /// <param name="yuyv">The YUYV bytes; at least <see cref="FrameLength"/> (extra bytes are ignored).</param>
    /// <param name="width">The width in pixels; must be even (two pixels share one U and one V).</param>
    /// <param name="height">The height in pixels.</param>
    /// <param name="rgb24">The destination: at least <c>width × height × 3</c> bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">Odd or non-positive size, or a buffer too small.</exception>
    public static void ConvertToRgb24(ReadOnlySpan<byte> yuyv, int width, int height, Span<byte> rgb24)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if ((width & 1) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "YUYV frames have an even width: two pixels share one U and one V sample.");
        }

        var pairs = width / 2 * height;
        ArgumentOutOfRangeException.ThrowIfLessThan(yuyv.Length, pairs * 4, nameof(yuyv));
        ArgumentOutOfRangeException.ThrowIfLessThan(rgb24.Length, pairs * 6, nameof(rgb24));

        // Slice once so that the JIT can drop the bounds checks in the loop.
        yuyv = yuyv[..(pairs * 4)];
        rgb24 = rgb24[..(pairs * 6)];
        for (int i = 0, o = 0; i < yuyv.Length; i += 4, o += 6)
        {
            var d = yuyv[i + 1] - 128;
            var e = yuyv[i + 3] - 128;
            var rAdd = (409 * e) + 128;
            var gAdd = (-100 * d) - (208 * e) + 128;
            var bAdd = (516 * d) + 128;

            var c0 = 298 * (yuyv[i] - 16);
            rgb24[o] = Clamp((c0 + rAdd) >> 8);
            rgb24[o + 1] = Clamp((c0 + gAdd) >> 8);
            rgb24[o + 2] = Clamp((c0 + bAdd) >> 8);

            var c1 = 298 * (yuyv[i + 2] - 16);
            rgb24[o + 3] = Clamp((c1 + rAdd) >> 8);
            rgb24[o + 4] = Clamp((c1 + gAdd) >> 8);
            rgb24[o + 5] = Clamp((c1 + bAdd) >> 8);
        }
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
