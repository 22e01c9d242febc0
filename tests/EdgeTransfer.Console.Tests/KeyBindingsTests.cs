using System.Text;
using EdgeTransfer.LineConsole.Input;
using EdgeTransfer.LineConsole.Model;

namespace EdgeTransfer.LineConsole.Tests;

public sealed class KeyBindingsTests
{
    private static readonly DashboardSnapshot Watching = new()
    {
        Now = DateTimeOffset.UnixEpoch,
        Broker = "127.0.0.1:1883",
        Fleet = "plant1",
        BrokerConnected = true,
        Device = new DeviceView { Id = "line3-cam1", Online = true, Paused = false },
        Classes = ["good", "scratch", "dent"],
    };

    [Fact]
    public void Number_LabelsTheLastFrame_AndSelectsTheClass()
    {
        // When 2 is pressed
        var result = KeyBindings.Resolve('2', Watching);

        // Then label scratch is sent and scratch becomes the selected class
        Assert.Equal(KeyAction.Send, result.Action);
        Assert.Equal("label", result.Command!.Name);
        Assert.Equal("""{"schema":"edgetransfer/v1","label":"scratch"}""", Encoding.UTF8.GetString(result.Command.Body));
        Assert.Equal("scratch", result.SelectClass);
    }

    [Fact]
    public void Number_IsRefused_WhenTheDeviceHasNoSuchClass()
    {
        // When 7 is pressed on a device with 3 classes
        var result = KeyBindings.Resolve('7', Watching);

        // Then nothing is sent and the hint lists the classes
        Assert.Equal(KeyAction.Refuse, result.Action);
        Assert.Contains("good, scratch, dent", result.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void C_AsksForAClass_StartsWithTheSelectedOne_AndStopsWhileCollecting()
    {
        // Given no class selected, then scratch selected, then collecting scratch
        var none = KeyBindings.Resolve('c', Watching);
        var start = KeyBindings.Resolve('c', Watching with { SelectedClass = "scratch" });
        var stop = KeyBindings.Resolve('c', Watching with { Device = Watching.Device! with { CollectingLabel = "scratch" } });

        // Then: a hint, collect start scratch, collect stop
        Assert.Equal(KeyAction.Refuse, none.Action);
        Assert.Equal("""{"schema":"edgetransfer/v1","action":"start","label":"scratch"}""", Encoding.UTF8.GetString(start.Command!.Body));
        Assert.Equal("""{"schema":"edgetransfer/v1","action":"stop"}""", Encoding.UTF8.GetString(stop.Command!.Body));
    }

    [Fact]
    public void P_PausesARunningLine_AndResumesAPausedOne()
    {
        // When p is pressed while running, and while paused
        var pause = KeyBindings.Resolve('p', Watching);
        var resume = KeyBindings.Resolve('p', Watching with { Device = Watching.Device! with { Paused = true } });

        // Then config sets inspection.paused to the other state
        Assert.Equal("config", pause.Command!.Name);
        Assert.Equal("""{"schema":"edgetransfer/v1","set":{"inspection.paused":true}}""", Encoding.UTF8.GetString(pause.Command.Body));
        Assert.Equal("""{"schema":"edgetransfer/v1","set":{"inspection.paused":false}}""", Encoding.UTF8.GetString(resume.Command!.Body));
    }

    [Theory]
    [InlineData('t', "train")]
    [InlineData('r', "rollback")]
    public void Letter_SendsItsCommand(char key, string command)
    {
        // When the key is pressed
        var result = KeyBindings.Resolve(key, Watching);

        // Then its command is sent with only the schema
        Assert.Equal(command, result.Command!.Name);
        Assert.Equal("""{"schema":"edgetransfer/v1"}""", Encoding.UTF8.GetString(result.Command.Body));
    }

    [Theory]
    [InlineData('q', KeyAction.Quit)]
    [InlineData('?', KeyAction.ToggleHelp)]
    [InlineData('x', KeyAction.Ignore)]
    public void OtherKeys_ActLocally(char key, KeyAction action) => Assert.Equal(action, KeyBindings.Resolve(key, Watching).Action);

    [Fact]
    public void Commands_AreRefused_WithoutADevice()
    {
        // Given no device known
        var empty = Watching with { Device = null };

        // Then t is refused with a hint
        Assert.Equal(KeyAction.Refuse, KeyBindings.Resolve('t', empty).Action);
    }
}
