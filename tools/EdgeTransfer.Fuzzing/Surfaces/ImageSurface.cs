using EdgeTransfer.Artifacts.Preprocessing;
using EdgeTransfer.Fuzzing.Mutation;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Imaging.Preprocessing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Fuzzing.Surfaces;

/// <summary>
/// PNG, JPEG and BMP frames through the hardened decoder that <c>infer</c>, <c>collect</c>, folder replay and the
/// camera use: from memory as a camera frame arrives, and from a file as <c>infer</c> reads one. A decoded frame
/// is preprocessed as a bundle's input spec says (stretched, or shorter side then centre crop), whatever its size.
/// </summary>
public sealed class ImageSurface : FuzzSurface
{
    private const string FrameName = "fuzz-frame";
    private readonly HardenedImageDecoder _decoder = new();
    private readonly ImagePreprocessor[] _preprocessors = [Preprocessor(ResizeMode.Stretch, null), Preprocessor(ResizeMode.ShorterSide, 40)];
    private readonly float[] _tensor = new float[3 * 32 * 32];
    private readonly string _file;

    /// <summary>Creates the surface with one small image of each format as seeds.</summary>
    public ImageSurface()
        : base("images")
    {
        _file = Path.Combine(ScratchDirectory, "frame.img");
        using var image = new Image<Rgb24>(40, 24);
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 6), (byte)(y * 10), (byte)((x ^ y) * 8));
            }
        }

        Seeds =
        [
            Encode(image, new PngEncoder()),
            Encode(image, new PngEncoder { ColorType = PngColorType.Palette, BitDepth = PngBitDepth.Bit4 }),
            Encode(image, new JpegEncoder { Quality = 80 }),
            Encode(image, new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 }),
        ];
    }

    /// <inheritdoc />
    public override string Name => "images";

    /// <inheritdoc />
    public override IReadOnlyList<byte[]> Seeds { get; }

    /// <inheritdoc />
    public override byte[] Mutate(byte[] seed, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return ByteMutations.Mutate(seed, random, Seeds[random.Next(Seeds.Count)]);
    }

    /// <inheritdoc />
    public override void Exercise(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);

        // One input in four goes through a file, as `infer <file>` and folder replay read it.
        if (input.Length % 4 == 0)
        {
            File.WriteAllBytes(_file, input);
            using var fromFile = _decoder.DecodeFile(_file);
            _preprocessors[0].Preprocess(fromFile, _tensor);
            return;
        }

        _decoder.Identify(input, FrameName);
        using var image = _decoder.Decode(input, FrameName);
        _preprocessors[1].Preprocess(image, _tensor);
    }

    /// <inheritdoc />
    public override bool NamesInput(string message) =>
        message is not null && (message.Contains(FrameName, StringComparison.Ordinal) || message.Contains(_file, StringComparison.Ordinal));


    private static ImagePreprocessor Preprocessor(ResizeMode mode, int? size) => new(new InputSpec
    {
        Name = "input",
        Channels = 3,
        Height = 32,
        Width = 32,
        ChannelOrder = ChannelOrder.Rgb,
        PixelScale = 255,
        Mean = new MeanSpec { PerChannel = [123.7f, 116.3f, 103.5f] },
        Std = [58.4f, 57.1f, 57.4f],
        Resize = new ResizeSpec { Mode = mode, Size = size },
    });

    private static byte[] Encode(Image<Rgb24> image, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }
}
