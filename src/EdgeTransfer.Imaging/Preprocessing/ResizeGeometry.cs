using System.Runtime.Intrinsics;
using EdgeTransfer.Artifacts.Preprocessing;

namespace EdgeTransfer.Imaging.Preprocessing;

/// <summary>
/// The resize and crop of one source size to the model's size, as tables and work rows: which source rows and
/// columns each output pixel reads with which bilinear weights (<see cref="ResampleTable"/>), the horizontal
/// weights laid out for the SIMD width, and the rows <see cref="BilinearRowFilter"/> fills. Built once per
/// source size and reused while frames keep it (a camera's), so a frame allocates nothing.
/// </summary>
internal sealed class ResizeGeometry
{
    private ReferenceResize? _reference;

    private ResizeGeometry(int sourceWidth, int sourceHeight, ResampleTable x, ResampleTable y, int outWidth, int outHeight)
    {
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        X = x;
        Y = y;
        OutWidth = outWidth;
        OutHeight = outHeight;

        // The horizontal taps padded to the widest pixel's count with zero weights, each broadcast to 4
        // lanes and grouped for the SIMD width (see GroupedWeightIndex).
        HorizontalTaps = x.Count.Max();
        HorizontalWeights = new float[outWidth * HorizontalTaps * 4];
        for (var i = 0; i < outWidth; i++)
        {
            for (var k = 0; k < x.Count[i]; k++)
            {
                HorizontalWeights.AsSpan(GroupedWeightIndex(outWidth, HorizontalTaps, i, k), 4).Fill(x.Weights[(i * x.Taps) + k]);
            }
        }

        // Slack after the row: padded taps of the last pixels and the unused fourth lane of a Vector128 read.
        VerticalRow = new float[(sourceWidth + HorizontalTaps + 1) * 3];
        Planes = new float[3 * outWidth];
    }

    public int SourceWidth { get; }

    public int SourceHeight { get; }

    public int OutWidth { get; }

    public int OutHeight { get; }

    public ResampleTable X { get; }

    public ResampleTable Y { get; }

    public int HorizontalTaps { get; }

    /// <summary>[pixel group, tap, pixel in group, 4 lanes]: see <see cref="GroupedWeightIndex"/>.</summary>
    public float[] HorizontalWeights { get; }

    /// <summary>One output row filtered vertically: source width × 3 floats (RGB), plus zeroed slack.</summary>
    public float[] VerticalRow { get; }

    /// <summary>One output row filtered both ways, one plane per RGB channel (3 × output width floats), not rounded.</summary>
    public float[] Planes { get; }

    /// <summary>A copy of a frame whose pixels are not contiguous, kept for its size.</summary>
    public byte[]? FrameCopy { get; set; }

    /// <summary>The first (rows-first, scalar) resize over the same tables, made on its first use.</summary>
    public ReferenceResize Reference => _reference ??= new ReferenceResize(X, Y, OutWidth, OutHeight);

    /// <summary>The geometry of a <paramref name="width"/> × <paramref name="height"/> frame for <paramref name="input"/>'s resize mode and size.</summary>
    public static ResizeGeometry Create(InputSpec input, int width, int height)
    {
        int resizedW;
        int resizedH;
        if (input.Resize.Mode == ResizeMode.ShorterSide)
        {
            // torchvision Resize(int): the shorter side becomes `size`, the longer one int(size · long / short).
            var size = input.Resize.Size!.Value;
            if (width <= height)
            {
                resizedW = size;
                resizedH = (int)((long)size * height / width);
            }
            else
            {
                resizedH = size;
                resizedW = (int)((long)size * width / height);
            }
        }
        else
        {
            resizedW = input.Width;
            resizedH = input.Height;
        }

        // torchvision CenterCrop: offset = round((resized − crop) / 2), half to even.
        var left = (int)Math.Round((resizedW - input.Width) / 2.0, MidpointRounding.ToEven);
        var top = (int)Math.Round((resizedH - input.Height) / 2.0, MidpointRounding.ToEven);
        var x = ResampleTable.Create(width, resizedW, left, input.Width);
        var y = ResampleTable.Create(height, resizedH, top, input.Height);
        return new ResizeGeometry(width, height, x, y, input.Width, input.Height);
    }

    // Where the 4 broadcast copies of pixel x's tap k are in HorizontalWeights. Pixels are grouped by the SIMD
    // width (4 with Vector512, 2 with Vector256, else 1; the tail of a row in groups of 1) and within a group
    // laid out [tap][pixel][4], so one aligned load per tap feeds the whole group.
    public static int GroupedWeightIndex(int outW, int taps, int x, int k)
    {
        var group = Vector512.IsHardwareAccelerated ? 4 : Vector256.IsHardwareAccelerated ? 2 : 1;
        var grouped = outW / group * group;
        if (x >= grouped)
        {
            group = 1;
        }

        var first = x / group * group;
        return (first * taps * 4) + (((k * group) + (x - first)) * 4);
    }
}
