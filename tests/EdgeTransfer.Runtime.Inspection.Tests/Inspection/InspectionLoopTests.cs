using System.Collections.Concurrent;
using System.Device.Gpio;
using System.Diagnostics.Metrics;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Inspection.Tests.Support;
using EdgeTransfer.Runtime.Lines;
using EdgeTransfer.Runtime.Lines.Simulation;
using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Runtime.Inspection.Tests.Inspection;

[Collection(SharedBundle.Name)]
public sealed class InspectionLoopTests(PreparedBundle prepared)
{
    private const int RejectPin = 17;

    [Fact]
    public async Task Loop_PulsesTheRejectLine_OnlyForDefects()
    {
        // Given a head that tells dark parts (good) from bright parts (scratch) by their real backbone features
        using var pipeline = Pipelines.Create(DeviceBundle.Open(prepared.Directory));
        pipeline.SwapHead(TestHeads.Separating(Pipelines.FeaturesOf(pipeline, 20), Pipelines.FeaturesOf(pipeline, 230), defectClass: 1), "separating");

        // and a line of 3 bright and 4 dark parts, with a simulated GPIO reject output
        ScriptedFrame Dark() => ScriptedFrame.Solid(20, "good");
        ScriptedFrame Bright() => ScriptedFrame.Solid(230, "scratch");
        await using var source = new ScriptedFrameSource([Dark(), Bright(), Dark(), Dark(), Bright(), Bright(), Dark()]);
        var driver = new SimulatedGpioDriver();
        using var reject = new RejectLine(new RejectLineOptions { Pin = RejectPin, PulseDuration = TimeSpan.FromMilliseconds(2), MinimumGap = TimeSpan.FromMilliseconds(1) }, driver);
        await using var loop = new InspectionLoop(pipeline, source, rejectLine: reject);

        // When the loop inspects them all
        loop.Start();
        await loop.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await Wait.Until(() => reject.CompletedPulses == 3, "three completed pulses");

        // Then each bright part is a scratch and got one pulse, and no dark part got one
        var verdicts = loop.RecentVerdicts;
        Assert.Equal(7, verdicts.Count);
        Assert.All(verdicts, v => Assert.Equal(v.Label == "scratch", v.IsDefect));
        Assert.All(verdicts, v => Assert.Equal(v.Label, v.ClassName));
        Assert.Equal(3, loop.Metrics.Rejects);
        Assert.Equal(3, driver.WritesTo(RejectPin).Count(w => w.Value == PinValue.High));
        Assert.Equal(0, loop.Metrics.Errors);
    }

    [Fact]
    public async Task Loop_CountsCorruptAndSkippedFrames_AndGoesOn()
    {
        // Given a line with a corrupt frame (its buffer is half the size it claims) and a frame the source skipped
        using var pipeline = Pipelines.Create(DeviceBundle.Open(prepared.Directory));
        var good = ScriptedFrame.Solid(100, "good");
        await using var source = new ScriptedFrameSource([good, good with { Corrupt = true }, good, good with { Skip = true }, good]);
        await using var loop = new InspectionLoop(pipeline, source);
        var errors = new ConcurrentQueue<InspectionErrorEventArgs>();
        loop.Error += (_, e) => errors.Enqueue(e);

        // When the loop runs through it
        loop.Start();
        await loop.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        // Then the three good frames have verdicts, and each bad one is one error of its kind
        Assert.Equal(3, loop.Metrics.Frames);
        Assert.Equal(1, loop.Metrics.ErrorsByKind[InspectionErrorKind.CorruptFrame]);
        Assert.Equal(1, loop.Metrics.ErrorsByKind[InspectionErrorKind.SkippedFrame]);
        Assert.Equal(2, loop.Metrics.Errors);
        var corrupt = Assert.Single(errors, e => e.Kind == InspectionErrorKind.CorruptFrame);
        Assert.Equal(2, corrupt.FrameId);
        Assert.Contains("corrupt", corrupt.Message, StringComparison.Ordinal);
        Assert.IsType<ImageDecodeException>(corrupt.Exception);
    }

    [Fact]
    public async Task Loop_GoesOn_WhenAVerdictSubscriberThrows()
    {
        // Given a subscriber that fails on every verdict
        using var pipeline = Pipelines.Create(DeviceBundle.Open(prepared.Directory));
        await using var source = new ScriptedFrameSource([ScriptedFrame.Solid(10, "good"), ScriptedFrame.Solid(11, "good")]);
        await using var loop = new InspectionLoop(pipeline, source);
        loop.VerdictReady += (_, _) => throw new InvalidOperationException("subscriber bug");

        // When the loop runs
        loop.Start();
        await loop.Completion.WaitAsync(TimeSpan.FromSeconds(60));

        // Then both frames were inspected and both failures counted
        Assert.Equal(2, loop.Metrics.Frames);
        Assert.Equal(2, loop.Metrics.ErrorsByKind[InspectionErrorKind.Subscriber]);
        Assert.Equal(2, loop.RecentVerdicts.Count);
    }

    [Fact]
    public async Task SwapHead_UnderConcurrentInspection_GivesVerdictsWhollyFromOneHead()
    {
        // Given two heads with different constant outputs, and a loop inspecting as fast as it can
        using var pipeline = Pipelines.Create(DeviceBundle.Open(prepared.Directory));
        var heads = new Dictionary<string, (Artifacts.Checkpoints.HeadCheckpoint Head, float[] Expected)>
        {
            ["A"] = (TestHeads.Constant(512, 3, 1, 0), TestHeads.Softmax(3, 1, 0)),
            ["B"] = (TestHeads.Constant(512, 0, 1, 3), TestHeads.Softmax(0, 1, 3)),
        };
        pipeline.SwapHead(heads["A"].Head, "A");
        await using var source = new ScriptedFrameSource([ScriptedFrame.Solid(50, "good"), ScriptedFrame.Solid(150, "good")], loop: true);
        await using var loop = new InspectionLoop(pipeline, source, options: new InspectionLoopOptions { RecentVerdicts = 10_000 });
        var verdicts = new ConcurrentQueue<Verdict>();
        loop.VerdictReady += (_, e) => verdicts.Enqueue(e.Verdict);
        loop.Start();

        // When another thread (the trainer) promotes and rolls back heads 60 times while frames flow
        await Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                var name = i % 2 == 0 ? "B" : "A";
                loop.SwapHead(heads[name].Head, name);
                await Task.Delay(3);
            }
        });
        await Wait.Until(() => verdicts.Count >= 20, "20 verdicts");
        await loop.StopAsync();

        // Then every verdict has exactly the probabilities of the head it names; both heads served
        Assert.Contains(verdicts, v => v.HeadVersion == "A");
        Assert.Contains(verdicts, v => v.HeadVersion == "B");
        foreach (var v in verdicts)
        {
            var expected = heads[v.HeadVersion].Expected;
            for (var c = 0; c < 3; c++)
            {
                Assert.Equal(expected[c], v.Probabilities[c], 1e-6f);
            }
        }

        Assert.Equal(0, loop.Metrics.Errors);
    }

    [Fact]
    public async Task SwapHead_RefusesAHeadOfAnotherShape_AndTheOldOneStays()
    {
        // Given a loop's pipeline with head A
        using var pipeline = Pipelines.Create(DeviceBundle.Open(prepared.Directory));
        await using var source = new ScriptedFrameSource([]);
        await using var loop = new InspectionLoop(pipeline, source);
        loop.SwapHead(TestHeads.Constant(512, 3, 1, 0), "A");

        // When a head for 4 classes is swapped in
        var error = Assert.Throws<EdgeTransferException>(() => loop.SwapHead(TestHeads.Constant(512, 1, 1, 1, 1), "wrong"));

        // Then it is refused, naming it, and A stays
        Assert.Contains("'wrong'", error.Message, StringComparison.Ordinal);
        Assert.Equal("A", loop.HeadVersion);
    }

    [Fact]
    public async Task Pause_StopsInspection_UntilResumed()
    {
        // Given a running loop
        using var pipeline = Pipelines.Create(DeviceBundle.Open(prepared.Directory));
        await using var source = new ScriptedFrameSource([ScriptedFrame.Solid(70, "good")], loop: true);
        await using var loop = new InspectionLoop(pipeline, source);
        loop.Start();
        await Wait.Until(() => loop.Metrics.Frames >= 2, "two verdicts");

        // When it is paused
        loop.Pause();
        await Task.Delay(200); // lets the frame in progress finish
        var paused = loop.Metrics.Frames;
        await Task.Delay(300);

        // Then no frame is inspected until it is resumed
        Assert.True(loop.IsPaused);
        Assert.Equal(paused, loop.Metrics.Frames);
        Assert.True(loop.GetStatistics().IsPaused);
        loop.Resume();
        await Wait.Until(() => loop.Metrics.Frames >= paused + 2, "verdicts after resuming");
        Assert.False(loop.IsPaused);
    }

    [Fact]
    public async Task Loop_RunsEndToEnd_OnTheSyntheticLine_WithMetrics()
    {
        // Given the real bundle, a synthetic line of 30 parts, a free-running trigger, a simulated reject output
        // and a listener on the inspection meter
        using var pipeline = Pipelines.Create(DeviceBundle.Open(prepared.Directory));
        await using var source = new SyntheticLineSource(new SyntheticLineOptions { Seed = 3, Size = 256, FrameCount = 30 });
        using var trigger = new FreeRunningTrigger(200);
        var driver = new SimulatedGpioDriver();
        using var reject = new RejectLine(new RejectLineOptions { Pin = RejectPin, PulseDuration = TimeSpan.FromMilliseconds(1), MinimumGap = TimeSpan.FromMilliseconds(1), MaxPendingPulses = 64 }, driver);
        using var meter = new Meter("test.inspection." + Guid.NewGuid().ToString("N"));
        using var metrics = new InspectionMetrics(pipeline.Bundle.Classes, meter);
        long metered = 0;
        var stagesSeen = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "edgetransfer.inspection.frames")
            {
                Interlocked.Add(ref metered, value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                stagesSeen.AddOrUpdate((string)tag.Value!, 1, (_, n) => n + 1);
            }
        });
        listener.Start();
        await using var loop = new InspectionLoop(pipeline, source, trigger, reject, metrics: metrics);

        // When the line runs to its end
        loop.Start();
        await loop.Completion.WaitAsync(TimeSpan.FromSeconds(120));
        var rejected = loop.RecentVerdicts.Count(v => v.Rejects);
        await Wait.Until(() => reject.CompletedPulses == rejected, "the reject pulses");

        // Then 30 verdicts were made and counted, every stage but decode (raw frames) has percentiles,
        // the last frame is the 30th, and the meter saw the same figures
        var stats = loop.GetStatistics();
        Assert.Equal(30, stats.Frames);
        Assert.Equal(30, stats.VerdictsByClass.Values.Sum());
        Assert.Equal(30, stats.VerdictsByOutcome.Values.Sum());
        Assert.Equal(rejected, stats.Rejects);
        Assert.Equal(0, stats.Errors);
        Assert.Equal(0, stats.Latencies[InspectionStage.Decode].Count);
        foreach (var stage in new[] { InspectionStage.Preprocess, InspectionStage.Backbone, InspectionStage.Head, InspectionStage.Total })
        {
            var l = stats.Latencies[stage];
            Assert.Equal(30, l.Count);
            Assert.True(l.P50 > 0 && l.P50 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max, $"{stage}: {l}");
        }

        Assert.True(stats.Latencies[InspectionStage.Total].P50 >= stats.Latencies[InspectionStage.Backbone].P50);
        Assert.Equal(30, loop.LastFrame!.FrameId);
        Assert.Equal(30, loop.RecentVerdicts.Count);
        Assert.Equal(30, Interlocked.Read(ref metered));
        Assert.Equal(30, stagesSeen["backbone"]);
        Assert.False(stagesSeen.ContainsKey("decode"));
    }
}
