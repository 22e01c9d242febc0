using EdgeTransfer.LineConsole.Model;
using EdgeTransfer.LineConsole.Rendering;
using EdgeTransfer.LineConsole.Tests.Infrastructure;
using Spectre.Console;
using Spectre.Console.Testing;

namespace EdgeTransfer.LineConsole.Tests;

public sealed class DashboardRendererTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 15, 0, TimeSpan.Zero);

    [Fact]
    public void Preview_DrawsTwoPixelsPerCell_WithHalfBlocks()
    {
        // Given a 4×4 frame: top half red, bottom half blue
        var rgb = new byte[4 * 4 * 3];
        for (var i = 0; i < 16; i++)
        {
            rgb[(i * 3) + (i < 8 ? 0 : 2)] = 255;
        }

        var frame = new PreviewFrame(9, 4, 4, rgb, Now);

        // When it is rendered on a true-colour terminal
        using var console = new TestConsole().Colors(ColorSystem.TrueColor).EmitAnsiSequences();
        console.Write(new HalfBlockImage(frame));

        // Then there are 2 lines of 4 upper half blocks, red on red then blue on blue (38;2 = foreground, 48;2 = background)
        Assert.Equal(8, console.Output.Count(c => c == '▀'));
        Assert.Contains("38;2;255;0;0;48;2;255;0;0m▀", console.Output, StringComparison.Ordinal);
        Assert.Contains("38;2;0;0;255;48;2;0;0;255m▀", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Preview_ScalesDown_WhenWiderThanAllowed()
    {
        // Given a 96×96 frame
        var frame = new PreviewFrame(1, 96, 96, new byte[96 * 96 * 3], Now);

        // When it may take 48 columns
        using var console = new TestConsole().Width(200);
        console.Write(new HalfBlockImage(frame, 48));

        // Then it is 48 columns by 24 lines
        Assert.Equal(48 * 24, console.Output.Count(c => c == '▀'));
    }

    [Fact]
    public void Render_SaysNoPreview_AndWaitsForADevice_WhenNothingIsKnown()
    {
        // Given an empty dashboard
        var snapshot = new DashboardSnapshot { Now = Now, Broker = "127.0.0.1:1883", Fleet = "plant1", BrokerConnected = true, PreviewNote = "no preview yet" };

        // When it is rendered
        var screen = Screen.Of(snapshot);

        // Then each panel says plainly that it has nothing yet
        Assert.Contains("no preview", screen, StringComparison.Ordinal);
        Assert.Contains("waiting for a device of fleet plant1", screen, StringComparison.Ordinal);
        Assert.Contains("no inspection events in the last minute", screen, StringComparison.Ordinal);
        Assert.Contains("no training run seen yet", screen, StringComparison.Ordinal);
        Assert.Contains("no errors", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ShowsBrokerUnreachable_WithTheReason()
    {
        // Given a broker that refuses connections
        var snapshot = new DashboardSnapshot { Now = Now, Broker = "10.0.0.9:1883", Fleet = "plant1", BrokerConnected = false, BrokerProblem = "Connection refused" };

        // When it is rendered
        var screen = Screen.Of(snapshot);

        // Then the header says which broker and why
        Assert.Contains("broker 10.0.0.9:1883 unreachable: Connection refused", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ShowsConfusionMatrixAndSampleCounts()
    {
        // Given a device with classes, counts and a validation
        var snapshot = new DashboardSnapshot
        {
            Now = Now,
            Broker = "127.0.0.1:1883",
            Fleet = "plant1",
            BrokerConnected = true,
            Device = new DeviceView { Id = "line3-cam1", Online = true },
            Classes = ["good", "scratch"],
            SelectedClass = "scratch",
            SampleCounts = new Dictionary<string, long> { ["good"] = 12, ["scratch"] = 3 },
            Confusion = new ConfusionView(["good", "scratch"], [[11, 1], [0, 3]]),
        };

        // When it is rendered
        var screen = Screen.Of(snapshot);

        // Then the selected class is marked, counts are shown and the key line names the classes
        Assert.Contains("►2", screen, StringComparison.Ordinal);
        Assert.Contains("15 labelled", screen, StringComparison.Ordinal);
        Assert.Contains("confusion", screen, StringComparison.Ordinal);
        Assert.Contains("1 good 2 scratch", screen, StringComparison.Ordinal);
        Assert.Contains("collect scratch", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparkline_ScalesBetweenBounds()
    {
        // Given values from 0 to 7
        double[] values = [0, 1, 2, 3, 4, 5, 6, 7];

        // When they are drawn between 0 and 7
        var line = Sparkline.Render(values, 8, 0, 7);

        // Then each gets its own height
        Assert.Equal("▁▂▃▄▅▆▇█", line);
        Assert.Equal("▇█", Sparkline.Render(values, 2, 0, 7));
    }
}
