using EdgeTransfer.LineConsole.Session;
using EdgeTransfer.LineConsole.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Broker;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Testing;
using EdgeTransfer.Testing.Mqtt;
using Spectre.Console.Testing;

namespace EdgeTransfer.LineConsole.Tests;

/// <summary>The console against an in-process broker and a simulated device that speaks protocol v1.</summary>
public sealed class DashboardSessionTests : IAsyncLifetime
{
    // Tests that are not about the broker run over the in-memory transport; the rest use the embedded MQTTnet broker.
    private readonly InMemoryBroker _memory = new();
    private EmbeddedBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Dashboard_ShowsStatusVerdictsCountsPreviewAndTrainingResult_AfterKeys1AndT()
    {
        // Given a device that inspects a few parts, and a console watching it
        await using var device = new SimulatedDevice(_broker.Port, transport: _memory.CreateTransport("line3-cam1"));
        await device.StartAsync();
        await using var session = await StartSessionAsync(inMemory: true);
        device.Inspect("good", 0.98);
        device.Inspect("scratch", 0.91, rejected: true, latencyMs: 17.25);
        device.Telemetry(new() { ["good"] = 40, ["scratch"] = 2 });
        await Eventually.TrueAsync(() => session.Model.Snapshot() is { Events.Count: 2, Telemetry: not null, Preview: not null, Classes.Count: 3 }, "events, telemetry, preview and classes");

        // When the technician presses 1 (label good) and t (train)
        session.HandleKey('1');
        await Eventually.TrueAsync(() => session.Model.Snapshot().SampleCounts.GetValueOrDefault("good") == 1, "the labelled count to rise");
        session.HandleKey('t');
        await Eventually.TrueAsync(() => session.Model.Snapshot().Training?.Result is not null, "the training result");
        await Eventually.TrueAsync(() => session.Model.Snapshot().Confusion is not null, "the validation of the new head");

        // Then the screen shows the device, the stream, the count, the run and its result
        var screen = Screen.Of(session.Model);
        Assert.Contains("device line3-cam1 ONLINE", screen, StringComparison.Ordinal);
        Assert.Contains("bundle line3", screen, StringComparison.Ordinal);
        Assert.Contains("execution provider cpu", screen, StringComparison.Ordinal);
        Assert.Contains("scratch ✗", screen, StringComparison.Ordinal);
        Assert.Contains("17.3", screen, StringComparison.Ordinal);
        Assert.Contains("p50 12.5 · p95 19.8 ms", screen, StringComparison.Ordinal);
        Assert.Contains("1 labelled", screen, StringComparison.Ordinal);
        Assert.Contains("✓ label good", screen, StringComparison.Ordinal);
        Assert.Contains("✓ train", screen, StringComparison.Ordinal);
        Assert.Contains("epoch 3/3", screen, StringComparison.Ordinal);
        Assert.Contains("promoted · head v2", screen, StringComparison.Ordinal);
        Assert.Contains("accuracy 94.4%", screen, StringComparison.Ordinal);
        Assert.Contains("head v2", screen, StringComparison.Ordinal);
        Assert.Contains("▀", screen, StringComparison.Ordinal);
        Assert.Contains("preview: frame 2 · 48×48", screen, StringComparison.Ordinal);
        Assert.Contains("no errors", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_SendTheRightCommands_AndTheirRepliesAreShown()
    {
        // Given a console watching a device
        await using var device = new SimulatedDevice(_broker.Port, transport: _memory.CreateTransport("line3-cam1"));
        await device.StartAsync();
        await using var session = await StartSessionAsync(inMemory: true);
        await Eventually.TrueAsync(() => session.Model.Snapshot().Classes.Count == 3, "the classes from the status reply");

        // When the technician presses 2, c, c, p
        foreach (var key in "2cc")
        {
            session.HandleKey(key);
            await session.WhenIdleAsync();
            // c reads the collecting state the reply set; let the status refresh land as well.
            await Task.Delay(100);
        }

        session.HandleKey('p');
        await session.WhenIdleAsync();

        // Then the device received label, collect start, collect stop and config, in that order, with these bodies
        var commands = device.Commands.Where(c => c.Name != "status").ToArray();
        Assert.Equal(["label", "collect", "collect", "config"], commands.Select(c => c.Name));
        Assert.Contains("\"label\":\"scratch\"", commands[0].Body, StringComparison.Ordinal);
        Assert.Contains("\"action\":\"start\"", commands[1].Body, StringComparison.Ordinal);
        Assert.Contains("\"label\":\"scratch\"", commands[1].Body, StringComparison.Ordinal);
        Assert.Contains("\"action\":\"stop\"", commands[2].Body, StringComparison.Ordinal);
        Assert.Contains("\"inspection.paused\":true", commands[3].Body, StringComparison.Ordinal);
        var screen = Screen.Of(session.Model);
        Assert.Contains("✓ pause inspection", screen, StringComparison.Ordinal);
        Assert.Contains("inspection PAUSED", screen, StringComparison.Ordinal);
        Assert.Contains("✓ stop collecting scratch", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_ShowsErrorReply_WhenTheDeviceRefusesRollback()
    {
        // Given a device with only its first head
        await using var device = new SimulatedDevice(_broker.Port, transport: _memory.CreateTransport("line3-cam1"));
        await device.StartAsync();
        await using var session = await StartSessionAsync(inMemory: true);

        // When the technician presses r
        session.HandleKey('r');
        await session.WhenIdleAsync();

        // Then the refusal is shown with its code and sentence
        var screen = Screen.Of(session.Model);
        Assert.Contains("✗ roll back", screen, StringComparison.Ordinal);
        Assert.Contains("not_found: There is no previous head to roll back to", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_ShowsOffline_WhenTheDeviceShutsDown()
    {
        // Given a console watching an online device
        var device = new SimulatedDevice(_broker.Port);
        await device.StartAsync();
        await using var session = await StartSessionAsync();
        Assert.True(session.Model.Snapshot().Device!.Online);

        // When the device shuts down
        await device.DisposeAsync();
        await Eventually.TrueAsync(() => session.Model.Snapshot().Device!.Online == false, "the offline status");

        // Then the header says so and why
        var screen = Screen.Of(session.Model);
        Assert.Contains("OFFLINE", screen, StringComparison.Ordinal);
        Assert.Contains("shut down cleanly", screen, StringComparison.Ordinal);
        Assert.Contains("went offline (shutdown)", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_CountsBadMessages_AndKeepsWorking()
    {
        // Given a console watching a device
        await using var device = new SimulatedDevice(_broker.Port, transport: _memory.CreateTransport("line3-cam1"));
        await device.StartAsync();
        await using var session = await StartSessionAsync(inMemory: true);

        // When the device publishes garbage of every kind, then a good event
        await device.PublishRawAsync(TopicKind.Events, "{\"schema\":\"edgetransfer/v1\",\"frameId\":");
        await device.PublishRawAsync(TopicKind.Events, """{"schema":"edgetransfer/v1","frameId":1,"verdict":42}""");
        await device.PublishRawAsync(TopicKind.Telemetry, """{"schema":"edgetransfer/v9","frames":1}""");
        await device.PublishRawAsync(TopicKind.Training, "{\"schema\":\"edgetransfer/v1\",\"type\":\"progress\",\"runId\":\"" + new string('r', 200_000) + "\"}");
        await device.PublishRawAsync(TopicKind.Status, "\"online\"");
        device.Inspect("dent", 0.77);
        await Eventually.TrueAsync(() => session.Model.Snapshot().Events.Count == 1, "the good event after the bad ones");

        // Then the five are counted and the good event is shown
        var snapshot = session.Model.Snapshot();
        Assert.Equal(5, snapshot.BadMessages);
        var screen = Screen.Of(snapshot);
        Assert.Contains("bad messages: 5", screen, StringComparison.Ordinal);
        Assert.Contains("dent", screen, StringComparison.Ordinal);
        Assert.True(snapshot.Device!.Online);
    }

    [Fact]
    public async Task Dashboard_SaysNoPreview_WhenTheDeviceHasNoPreviewCommand()
    {
        // Given a device whose agent predates the preview command
        await using var device = new SimulatedDevice(_broker.Port, preview: false, transport: _memory.CreateTransport("line3-cam1"));
        await device.StartAsync();
        await using var session = await StartSessionAsync(inMemory: true);

        // When the console asks for a preview
        await Eventually.TrueAsync(() => session.Model.Snapshot().PreviewNote?.Contains("no preview command", StringComparison.Ordinal) == true, "the unknown_command reply");

        // Then the panel says "no preview" and nothing else is wrong
        var screen = Screen.Of(session.Model);
        Assert.Contains("no preview: this device has no preview command", screen, StringComparison.Ordinal);
        Assert.Contains("no errors", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_ShowsBrokerUnreachable_AndSnapshotStillRenders()
    {
        // Given a broker port where nothing listens
        var port = _broker.Port;
        await _broker.DisposeAsync();
        await using var session = new DashboardSession(new ConsoleOptions { Port = port, Fleet = SimulatedDevice.Fleet, Device = "line3-cam1" });
        await session.StartAsync();

        // When the console waits for it
        var reached = await session.WaitReadyAsync(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => session.Model.Snapshot().BrokerProblem is not null, "the connect failure");

        // Then it says so plainly, with the socket's reason ("Connection refused" on Linux)
        Assert.False(reached);
        var snapshot = session.Model.Snapshot();
        var screen = Screen.Of(snapshot);
        Assert.Contains($"broker 127.0.0.1:{port} unreachable: {snapshot.BrokerProblem}", screen, StringComparison.Ordinal);
        Assert.Contains(snapshot.BrokerProblem!, snapshot.Problems[0].Text, StringComparison.Ordinal);
        _broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
    }

    [Fact]
    public async Task LiveDashboard_RedrawsAndQuits_OnQ()
    {
        // Given a console on a test terminal with keys 1 and q typed
        await using var device = new SimulatedDevice(_broker.Port);
        await device.StartAsync();
        await using var session = await StartSessionAsync();
        await Eventually.TrueAsync(() => session.Model.Snapshot().Classes.Count == 3, "the classes");
        using var terminal = new TestConsole().Width(160).Height(60).Interactive();
        terminal.Input.PushCharacter('1');
        terminal.Input.PushCharacter('q');

        // When the live dashboard runs
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await LiveDashboard.RunAsync(terminal, session, TimeSpan.FromMilliseconds(50), timeout.Token);

        // Then it stopped on q (not on the timeout), drew the dashboard, and 1 was sent as label good
        Assert.False(timeout.IsCancellationRequested);
        Assert.Contains("EdgeTransfer console", terminal.Output, StringComparison.Ordinal);
        await session.WhenIdleAsync();
        Assert.Contains(device.Commands, c => c.Name == "label" && c.Body.Contains("\"good\"", StringComparison.Ordinal));
    }

    private async Task<DashboardSession> StartSessionAsync(bool inMemory = false)
    {
        var options = new ConsoleOptions
        {
            Port = _broker.Port,
            Fleet = SimulatedDevice.Fleet,
            Device = "line3-cam1",
            StatusInterval = TimeSpan.FromMilliseconds(500),
            PreviewInterval = TimeSpan.FromMilliseconds(300),
        };
        var session = inMemory ? new DashboardSession(options, _memory.CreateTransport("console")) : new DashboardSession(options);
        await session.StartAsync();
        Assert.True(await session.WaitReadyAsync(TimeSpan.FromSeconds(10)), "the broker should be reachable");
        return session;
    }
}
