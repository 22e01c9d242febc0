using System.Buffers.Binary;
using System.Diagnostics;
using EdgeTransfer.Artifacts.Preprocessing;
using EdgeTransfer.Imaging.Decoding;
using EdgeTransfer.Imaging.Preprocessing;
using EdgeTransfer.Synthetic;
using EdgeTransfer.Testing;
using Microsoft.ML.OnnxRuntime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using ResizeMode = EdgeTransfer.Artifacts.Preprocessing.ResizeMode;
using Xunit.Abstractions;

namespace EdgeTransfer.Imaging.Tests;

public sealed class ImagePreprocessorTests(ITestOutputHelper output)
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    [Fact]
    public void Preprocess_EqualsTheModelPackagesResNetPreprocessOnnx_ForTheResNet18Spec()
    {
        // Given the committed ResNet18 spec, its mean image, and a 640 × 480 frame
        var spec = PreprocessingSpec.Load(PretrainedModels.ResNet18Spec);
        using var session = new InferenceSession(PretrainedModels.ResNetPreprocess);
        var meanImage = MeanImageOf(session);
        var preprocessor = new ImagePreprocessor(spec.Input, meanImage);
        using var frame = TestImages.Pattern(640, 480);

        // When we preprocess it, and ONNX Runtime runs ResNetPreprocess.onnx on the same resized image
        var ours = new float[preprocessor.ValuesPerImage];
        preprocessor.Preprocess(frame, ours);
        var resized = new byte[224 * 224 * 3];
        preprocessor.ResizeTo(frame, resized);
        var reference = RunPreprocessModel(session, PlanarRgb(resized, 224, 224));

        // Then the tensors agree
        Assert.Equal(reference.Length, ours.Length);
        var maxDiff = 0f;
        for (var i = 0; i < ours.Length; i++)
        {
            maxDiff = MathF.Max(maxDiff, MathF.Abs(ours[i] - reference[i]));
        }

        output.WriteLine($"max |ours - ResNetPreprocess.onnx| = {maxDiff:G3}");
        Assert.True(maxDiff <= 1e-3f, $"max abs diff {maxDiff}");
    }

    [Fact]
    public void ResNetMeanImage_IsInBgrOrder_WithTheDocumentedChannelAverages()
    {
        // Given the mean image the model applies (recovered as minus its output for a black frame)
        using var session = new InferenceSession(PretrainedModels.ResNetPreprocess);

        // When its planes are averaged
        var mean = MeanImageOf(session);
        var plane = 224 * 224;
        var averages = Enumerable.Range(0, 3).Select(c => mean.AsSpan(c * plane, plane).ToArray().Average()).ToArray();

        // Then they are B 103.06, G 115.90, R 123.15: the model's planes are BGR
        Assert.Equal(103.06, averages[0], 0.01);
        Assert.Equal(115.90, averages[1], 0.01);
        Assert.Equal(123.15, averages[2], 0.01);
    }

    [Fact]
    public void Preprocess_MatchesHandComputation_ForAPyTorchStyleSpec()
    {
        // Given the committed PyTorch example spec: RGB, 0–1, ImageNet mean/std, "resize 256, crop 224"
        var spec = PreprocessingSpec.Load(Path.Combine(PretrainedModels.RepositoryRoot, "models", "examples", "pytorch-resnet18.spec.json"));
        var preprocessor = ImagePreprocessor.Create(spec);
        using var frame = TestImages.Pattern(320, 240, seed: 7);

        // When a frame is preprocessed
        var actual = new float[preprocessor.ValuesPerImage];
        preprocessor.Preprocess(frame, actual);

        // Then each value is ((p / 255) − mean) / std of the resized pixel, plane by plane in RGB order
        var resized = new byte[224 * 224 * 3];
        preprocessor.ResizeTo(frame, resized);
        for (var c = 0; c < 3; c++)
        {
            for (var i = 0; i < 224 * 224; i++)
            {
                var expected = ((resized[(i * 3) + c] / 255.0) - ImageNetMean[c]) / ImageNetStd[c];
                Assert.True(Math.Abs(actual[(c * 224 * 224) + i] - expected) < 1e-5, $"channel {c}, pixel {i}: {actual[(c * 224 * 224) + i]} vs {expected}");
            }
        }
    }

    [Fact]
    public void ResizeTo_CropsTheCentre_OfAShorterSideResize()
    {
        // Given a 300 × 224 frame and a spec whose shorter side is already 224 (no scaling, only the crop)
        var preprocessor = new ImagePreprocessor(PyTorchSpec(resizeSize: 224));
        using var frame = TestImages.Pattern(300, 224, seed: 3);

        // When it is resized
        var resized = new byte[224 * 224 * 3];
        preprocessor.ResizeTo(frame, resized);

        // Then the result is columns 38 … 261 (torchvision: left = round((300 − 224) / 2))
        for (var y = 0; y < 224; y++)
        {
            for (var x = 0; x < 224; x++)
            {
                var p = frame[x + 38, y];
                var i = ((y * 224) + x) * 3;
                Assert.Equal((p.R, p.G, p.B), (resized[i], resized[i + 1], resized[i + 2]));
            }
        }
    }

    [Fact]
    public void ResizeTo_IsIdentity_WhenTheFrameHasTheModelSize()
    {
        // Given a 224 × 224 frame and a stretch spec
        var preprocessor = new ImagePreprocessor(ResNetLikeSpec(ChannelOrder.Rgb));
        using var frame = TestImages.Pattern(224, 224);

        // When it is resized
        var resized = new byte[224 * 224 * 3];
        preprocessor.ResizeTo(frame, resized);

        // Then nothing changed
        var original = new byte[224 * 224 * 3];
        frame.CopyPixelDataTo(original);
        Assert.Equal(original, resized);
    }

    [Fact]
    public void ResizeTo_KeepsAOnePixelScratch_WhenShrinkingThreefold()
    {
        // Given a dark 672 × 672 frame with a one-pixel bright vertical line at x = 301
        var preprocessor = new ImagePreprocessor(ResNetLikeSpec(ChannelOrder.Rgb));
        using var frame = new Image<Rgb24>(672, 672, new Rgb24(20, 20, 20));
        for (var y = 0; y < 672; y++)
        {
            frame[301, y] = new Rgb24(255, 255, 255);
        }

        // When it is shrunk to 224 × 224
        var resized = new byte[224 * 224 * 3];
        preprocessor.ResizeTo(frame, resized);

        // Then the line is still there (antialiased: every source pixel contributes), and only near x = 100
        var row = Enumerable.Range(0, 224).Select(x => resized[((112 * 224) + x) * 3]).ToArray();
        Assert.InRange(Array.IndexOf(row, row.Max()), 99, 101);
        Assert.True(row.Max() >= 80, $"peak {row.Max()}");
        Assert.True(row[0] == 20 && row[223] == 20);
    }

    [Fact]
    public void Preprocess_SwapsPlanes_ForBgrSpecs()
    {
        // Given the same frame through an RGB and a BGR spec (per-channel zero mean)
        using var frame = TestImages.Pattern(100, 80);
        var rgb = new float[3 * 224 * 224];
        var bgr = new float[3 * 224 * 224];

        // When both preprocess it
        new ImagePreprocessor(ResNetLikeSpec(ChannelOrder.Rgb)).Preprocess(frame, rgb);
        new ImagePreprocessor(ResNetLikeSpec(ChannelOrder.Bgr)).Preprocess(frame, bgr);

        // Then plane 0 of one is plane 2 of the other
        var plane = 224 * 224;
        Assert.Equal(rgb.AsSpan(0, plane).ToArray(), bgr.AsSpan(2 * plane, plane).ToArray());
        Assert.Equal(rgb.AsSpan(plane, plane).ToArray(), bgr.AsSpan(plane, plane).ToArray());
        Assert.Equal(rgb.AsSpan(2 * plane, plane).ToArray(), bgr.AsSpan(0, plane).ToArray());
    }

    [Fact]
    public void Preprocess_OfARawCameraBuffer_EqualsPreprocessOfTheImage()
    {
        // Given a frame as an image and as a raw RGB24 buffer with padded rows
        using var frame = TestImages.Pattern(150, 110);
        const int Stride = (150 * 3) + 10;
        var raw = new byte[Stride * 110];
        for (var y = 0; y < 110; y++)
        {
            for (var x = 0; x < 150; x++)
            {
                var p = frame[x, y];
                raw[(y * Stride) + (x * 3)] = p.R;
                raw[(y * Stride) + (x * 3) + 1] = p.G;
                raw[(y * Stride) + (x * 3) + 2] = p.B;
            }
        }

        var preprocessor = new ImagePreprocessor(PyTorchSpec(resizeSize: 256));
        var fromImage = new float[preprocessor.ValuesPerImage];
        var fromRaw = new float[preprocessor.ValuesPerImage];

        // When both are preprocessed
        preprocessor.Preprocess(frame, fromImage);
        preprocessor.Preprocess(raw, 150, 110, Stride, fromRaw);

        // Then the tensors are identical
        Assert.Equal(fromImage, fromRaw);
    }

    [Fact]
    public void Preprocess_AllocatesNothing_InSteadyState()
    {
        // Given a preprocessor that has seen one 640 × 480 frame (mean image spec, the heavier path)
        var meanImage = Enumerable.Range(0, 3 * 224 * 224).Select(i => (float)(i % 251)).ToArray();
        var preprocessor = new ImagePreprocessor(ResNetLikeSpec(ChannelOrder.Bgr, meanImage: true), meanImage);
        using var frame = TestImages.Pattern(640, 480);
        var raw = new byte[640 * 480 * 3];
        frame.CopyPixelDataTo(raw);
        var tensor = new float[preprocessor.ValuesPerImage];
        preprocessor.Preprocess(frame, tensor);
        preprocessor.Preprocess(raw, 640, 480, 640 * 3, tensor);

        // When more frames of that size are preprocessed
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            preprocessor.Preprocess(frame, tensor);
            preprocessor.Preprocess(raw, 640, 480, 640 * 3, tensor);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then nothing was allocated
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(640, 480, false)]
    [InlineData(150, 110, true)]
    public void Preprocess_IsBitIdenticalToNormalizeOfResizeTo(int width, int height, bool pyTorchSpec)
    {
        // Given a frame (150 × 3 bytes is not a multiple of 16: the scalar tail runs too) and a spec with a
        // mean image, or one with per-channel mean and std
        var meanImage = Enumerable.Range(0, 3 * 224 * 224).Select(i => (i % 251) * 0.75f).ToArray();
        var preprocessor = pyTorchSpec
            ? new ImagePreprocessor(PyTorchSpec(resizeSize: 256))
            : new ImagePreprocessor(ResNetLikeSpec(ChannelOrder.Bgr, meanImage: true), meanImage);
        using var frame = TestImages.Pattern(width, height, seed: 11);

        // When it is preprocessed in one fused pass, and in two steps through the 8-bit frame
        var fused = new float[preprocessor.ValuesPerImage];
        preprocessor.Preprocess(frame, fused);
        var resized = new byte[224 * 224 * 3];
        preprocessor.ResizeTo(frame, resized);
        var stepwise = new float[preprocessor.ValuesPerImage];
        preprocessor.Normalize(resized, stepwise);

        // Then every value has the same bits (SIMD normalisation = the table's expression)
        Assert.Equal(stepwise, fused);
    }

    [Theory]
    [InlineData(640, 480, 224)]
    [InlineData(150, 110, 223)]
    [InlineData(100, 80, 224)]
    public void ResizeTo_AgreesWithTheReferenceResize_WithinOneLevel(int width, int height, int side)
    {
        // Given a frame and two preprocessors with the same tables: the SIMD resize (columns of the source
        // first) and the first, scalar one (rows first), which sums in another order. 223 × 223 leaves a tail
        // of pixels outside the SIMD groups; 100 × 80 → 224 enlarges.
        var spec = ResNetLikeSpec(ChannelOrder.Rgb) with { Width = side, Height = side };
        var simd = new ImagePreprocessor(spec);
        var reference = new ImagePreprocessor(spec) { UseReferenceResize = true };
        using var frame = TestImages.Pattern(width, height, seed: 5);
        var raw = new byte[width * height * 3];
        frame.CopyPixelDataTo(raw);

        // When both resize it
        var ours = new byte[side * side * 3];
        var theirs = new byte[side * side * 3];
        simd.ResizeTo(raw, width, height, width * 3, ours);
        reference.ResizeTo(raw, width, height, width * 3, theirs);

        // Then no value differs by more than one level, and only where a value sits on a rounding edge
        var differing = 0;
        for (var i = 0; i < ours.Length; i++)
        {
            Assert.InRange(ours[i] - theirs[i], -1, 1);
            differing += ours[i] != theirs[i] ? 1 : 0;
        }

        output.WriteLine($"{differing} of {ours.Length} values differ by one level");
        Assert.True(differing <= ours.Length / 1000, $"{differing} values differ");
    }

    [Fact]
    public void Constructor_RequiresTheMeanImage_WhenTheSpecSubtractsOne()
    {
        // Given the ResNet18 spec (mean image held by a model initializer)
        var spec = PreprocessingSpec.Load(PretrainedModels.ResNet18Spec);

        // When a preprocessor is made without the image, or with one of the wrong size
        var missing = Assert.Throws<InvalidSettingException>(() => new ImagePreprocessor(spec.Input));
        var wrong = Assert.Throws<InvalidSettingException>(() => new ImagePreprocessor(spec.Input, new float[10]));
        var fromSpec = Assert.Throws<InvalidSettingException>(() => ImagePreprocessor.Create(spec));

        // Then each says what is missing
        Assert.Equal("input.mean", missing.Setting);
        Assert.Contains("150528", wrong.Reason, StringComparison.Ordinal);
        Assert.Contains("MeanImage", fromSpec.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadMeanImageFile_ReadsRawFloat32_AndRejectsAWrongSize()
    {
        // Given a raw float32 [3,224,224] file and a truncated one
        using var dir = new TempDirectory();
        var spec = ResNetLikeSpec(ChannelOrder.Bgr, meanImage: true);
        var values = Enumerable.Range(0, 3 * 224 * 224).Select(i => i * 0.001f).ToArray();
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        File.WriteAllBytes(dir.Combine("mean_image.f32"), bytes);
        File.WriteAllBytes(dir.Combine("short.f32"), bytes[..100]);

        // When they are read / Then the good one round-trips and the short one is named
        Assert.Equal(values, ImagePreprocessor.ReadMeanImageFile(dir.Combine("mean_image.f32"), spec));
        var ex = Assert.Throws<InvalidSettingException>(() => ImagePreprocessor.ReadMeanImageFile(dir.Combine("short.f32"), spec));
        Assert.Contains("has 100 bytes; expected 602112", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Timing_DecodeResizeNormalise_Of640x480Jpeg_IsPrinted()
    {
        // Given a 640 × 480 JPEG of a synthetic part (camera-like content) and the ResNet18 spec
        using var part = new SyntheticPartGenerator(5).Generate(SyntheticPartGenerator.Scratch, 0, 640);
        part.Mutate(c => c.Crop(new Rectangle(0, 80, 640, 480)));
        var jpeg = TestImages.Encode(part, new JpegEncoder { Quality = 90 });
        var decoder = new HardenedImageDecoder();
        var meanImage = Enumerable.Range(0, 3 * 224 * 224).Select(i => 100f + (i % 50)).ToArray();
        var preprocessor = new ImagePreprocessor(ResNetLikeSpec(ChannelOrder.Bgr, meanImage: true), meanImage);
        var tensor = new float[preprocessor.ValuesPerImage];

        // When decode + preprocess runs repeatedly (not asserted: timed tests are not benchmarks)
        const int Runs = 40;
        var decode = new double[Runs];
        var pre = new double[Runs];
        for (var i = -5; i < Runs; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var image = decoder.Decode(jpeg, "frame.jpg");
            var t1 = Stopwatch.GetTimestamp();
            preprocessor.Preprocess(image, tensor);
            var t2 = Stopwatch.GetTimestamp();
            if (i >= 0)
            {
                decode[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
                pre[i] = Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
            }
        }

        // Then the figures are printed for the benchmark to come
        Array.Sort(decode);
        Array.Sort(pre);
        var total = decode.Zip(pre, (a, b) => a + b).Order().ToArray();
        output.WriteLine($"640x480 JPEG ({jpeg.Length} bytes), {Environment.ProcessorCount} cores, median of {Runs} (min): decode {decode[Runs / 2]:F2} ({decode[0]:F2}) ms, resize+normalise {pre[Runs / 2]:F2} ({pre[0]:F2}) ms, total {total[Runs / 2]:F2} ({total[0]:F2}) ms");
        Assert.True(total.Length == Runs);
    }

    internal static InputSpec PyTorchSpec(int resizeSize) => new()
    {
        Name = "input",
        Channels = 3,
        Height = 224,
        Width = 224,
        ChannelOrder = ChannelOrder.Rgb,
        PixelScale = 1f,
        Mean = new MeanSpec { PerChannel = ImageNetMean },
        Std = ImageNetStd,
        Resize = new ResizeSpec { Mode = ResizeMode.ShorterSide, Size = resizeSize },
    };

    internal static InputSpec ResNetLikeSpec(ChannelOrder order, bool meanImage = false) => new()
    {
        Name = "Input247",
        Channels = 3,
        Height = 224,
        Width = 224,
        ChannelOrder = order,
        PixelScale = 255f,
        Mean = meanImage ? new MeanSpec { ImageFile = "mean_image.f32" } : new MeanSpec { PerChannel = [0f, 0f, 0f] },
        Resize = new ResizeSpec { Mode = ResizeMode.Stretch },
    };

    // ResNetPreprocess.onnx computes BGR(x) − MeanImage, so for a black frame it returns −MeanImage.
    private static float[] MeanImageOf(InferenceSession session)
    {
        var output = RunPreprocessModel(session, new float[3 * 224 * 224]);
        return [.. output.Select(v => -v)];
    }

    private static float[] RunPreprocessModel(InferenceSession session, float[] planarRgb)
    {
        Assert.Equal("OriginalInput", session.InputNames.Single());
        Assert.Equal([1, 3, 224, 224], session.InputMetadata["OriginalInput"].Dimensions);
        using var input = OrtValue.CreateTensorValueFromMemory(planarRgb, [1, 3, 224, 224]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["OriginalInput"], [input], ["PreprocessedInput"]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] PlanarRgb(byte[] interleaved, int width, int height)
    {
        var plane = width * height;
        var result = new float[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                result[(c * plane) + i] = interleaved[(i * 3) + c];
            }
        }

        return result;
    }
}
