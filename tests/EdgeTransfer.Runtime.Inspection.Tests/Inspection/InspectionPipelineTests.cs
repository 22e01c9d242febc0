using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Inspection.Tests.Support;
using EdgeTransfer.Runtime.Loading;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace EdgeTransfer.Runtime.Inspection.Tests.Inspection;

[Collection(SharedBundle.Name)]
public sealed class InspectionPipelineTests(PreparedBundle prepared)
{
    [Fact]
    public void InspectEncoded_DecodesAJpeg_AndTimesEveryStage()
    {
        // Given a 640×480 JPEG frame and the constant head softmax([2, 0, 0])
        var bundle = DeviceBundle.Open(prepared.Directory);
        using var pipeline = Pipelines.Create(bundle);
        pipeline.SwapHead(TestHeads.Constant(512, 2, 0, 0), "v0002");
        var jpeg = Jpeg(640, 480);

        // When it is inspected
        var verdict = pipeline.InspectEncoded(jpeg, "part.jpg", frameId: 7, label: "good");

        // Then the verdict carries the head's probabilities, and every stage took time
        var expected = TestHeads.Softmax(2, 0, 0);
        Assert.Equal(7, verdict.FrameId);
        Assert.Equal("v0002", verdict.HeadVersion);
        Assert.Equal(VerdictOutcome.Good, verdict.Outcome);
        Assert.Equal("good", verdict.ClassName);
        for (var c = 0; c < 3; c++)
        {
            Assert.Equal(expected[c], verdict.Probabilities[c], 1e-5f);
        }

        Assert.True(verdict.Latencies.Decode > TimeSpan.Zero);
        Assert.True(verdict.Latencies.Preprocess > TimeSpan.Zero);
        Assert.True(verdict.Latencies.Backbone > TimeSpan.Zero);
        Assert.True(verdict.Latencies.Head > TimeSpan.Zero);
        Assert.True(verdict.Latencies.Total >= verdict.Latencies.Decode + verdict.Latencies.Backbone);
    }

    [Fact]
    public void InspectEncoded_RefusesACorruptJpeg_AndTheNextFrameWorks()
    {
        // Given a truncated JPEG
        using var pipeline = Pipelines.Create(DeviceBundle.Open(prepared.Directory));
        var jpeg = Jpeg(320, 240);

        // When it is inspected
        var error = Assert.Throws<ImageDecodeException>(() => pipeline.InspectEncoded(jpeg.AsSpan(0, jpeg.Length / 2), "broken.jpg"));

        // Then the error names the frame, and the pipeline goes on
        Assert.Equal("broken.jpg", error.SourceName);
        Assert.Equal(3, pipeline.InspectEncoded(jpeg, "whole.jpg").Probabilities.Length);
    }

    [Fact]
    public void Inspect_KeepsTheLastFrame_ForLabelling()
    {
        // Given a pipeline
        using var pipeline = Pipelines.Create(DeviceBundle.Open(prepared.Directory));
        Assert.Null(pipeline.GetLastFrame());
        var frame = ScriptedFrame.Solid(90, "scratch", 320, 240);

        // When a 320×240 frame is inspected
        var verdict = pipeline.Inspect(new Frame(41, DateTimeOffset.UnixEpoch, 320, 240, frame.Pixels, "scratch", "cam", null));

        // Then the last frame holds its id, its features and a 96×72 thumbnail of its pixels
        var last = pipeline.GetLastFrame()!;
        Assert.Equal(41, last.FrameId);
        Assert.Equal("scratch", last.Label);
        Assert.Same(verdict, last.Verdict);
        Assert.Equal(512, last.Features.Length);
        Assert.Contains(last.Features, f => f != 0);
        Assert.Equal((96, 72), (last.ThumbnailWidth, last.ThumbnailHeight));
        Assert.All(last.Thumbnail, b => Assert.Equal(90, b));
    }

    [Fact]
    public void Inspect_AllocatesOnlyTheVerdict_PerRawFrame()
    {
        // Given a warmed-up pipeline and a camera-sized raw frame
        using var pipeline = Pipelines.Create(DeviceBundle.Open(prepared.Directory));
        var solid = ScriptedFrame.Solid(120, "good", 640, 480);
        var frame = new Frame(1, DateTimeOffset.UnixEpoch, 640, 480, solid.Pixels, null, "cam", null);
        for (var i = 0; i < 3; i++)
        {
            pipeline.Inspect(frame);
        }

        // When 20 frames are inspected
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            pipeline.Inspect(frame);
        }

        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / 20;

        // Then each allocates only what was measured here: the published Verdict with its probabilities (176 B)
        // and HeadPredictor.Predict (384 B per call: EdgeTransfer.Training runs the head through ORT's
        // Run(names, values) overload, which marshals name and handle arrays per call). The backbone adds 0 B
        // (BackboneSessionTests), preprocessing 0 B.
        Assert.True(perFrame <= 176 + 384 + 40, $"A raw frame allocated {perFrame} bytes.");
    }

    private static byte[] Jpeg(int width, int height)
    {
        using var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24((byte)x, (byte)y, (byte)(x + y));
                }
            }
        });
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }
}
