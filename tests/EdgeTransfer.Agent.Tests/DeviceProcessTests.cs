using System.Diagnostics;
using EdgeTransfer.Agent.Tests.Infrastructure;
using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Agent.Tests;

/// <summary>The real <c>edgetransfer-device run</c> process: birth, commands, last will on SIGKILL, offline on SIGTERM.</summary>
[Collection(AgentTestGroup.Name)]
public sealed class DeviceProcessTests(AgentEnvironment environment)
{
    private const string Id = "d-kill";

    [MosquittoFact]
    public async Task Run_PublishesBirth_TheBrokerSendsTheLastWillOnKill9_AndSigtermPublishesOffline()
    {
        using var folder = new TempDirectory();
        var config = DeviceUnderTest.WriteConfig(folder.Combine("device.json"), Id, environment.BundleDirectory, 1, environment.PasswordFile);
        await using var fleet = await Fleet.ConnectAsync(environment.Broker!.Port, environment.PasswordFile, Id);

        // Given the device program started with --broker (overriding the port of device.json)
        using (var process = StartDevice(config, $"127.0.0.1:{environment.Broker.Port}"))
        {
            var birth = await WaitStatusAsync(fleet, "online", 0, process);
            CommandReplyMessage reply;
            try
            {
                // MqttConnection publishes the birth before it subscribes to cmd/+, so on a device's very first
                // connect a command sent right after the birth can find no subscription yet: ask again then.
                reply = await AskWithRetryAsync(fleet);
            }
            catch (TimeoutException ex)
            {
                process.Kill();
                throw new TimeoutException($"{ex.Message} Device output: {await process.StandardOutput.ReadToEndAsync()} {await process.StandardError.ReadToEndAsync()}", ex);
            }

            Assert.True(reply.Ok, reply.Error?.Message);

            // When it is killed with SIGKILL (no DISCONNECT, no chance to say goodbye)
            process.Kill();
            await process.WaitForExitAsync();

            // Then the broker publishes its last will: offline, paired with the birth's seq
            var will = await WaitStatusAsync(fleet, "offline", 0, process: null);
            Assert.Equal("last-will", will.GetProperty("reason").GetString());
            Assert.Equal(birth.GetProperty("seq").GetInt64(), will.GetProperty("seq").GetInt64());
        }

        // When it runs again and is stopped with SIGTERM (systemd stop)
        var seen = fleet.Sink.Snapshot().Count;
        using (var process = StartDevice(config, $"127.0.0.1:{environment.Broker.Port}"))
        {
            await WaitStatusAsync(fleet, "online", seen, process);
            using (var kill = Process.Start("/bin/kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            // Then it says goodbye itself and exits cleanly
            var death = await WaitStatusAsync(fleet, "offline", seen, process: null);
            Assert.Equal("shutdown", death.GetProperty("reason").GetString());
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(20)), "the device did not exit after SIGTERM");
            Assert.Equal(0, process.ExitCode);
        }
    }

    private static async Task<CommandReplyMessage> AskWithRetryAsync(Fleet fleet)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await fleet.Connection.SendCommandAsync(Id, "status", new StatusRequest { Schema = DeviceMessage.SchemaVersion }, TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException) when (attempt < 4)
            {
            }
        }
    }

    private static async Task<System.Text.Json.JsonElement> WaitStatusAsync(Fleet fleet, string state, int skip, Process? process)
    {
        bool Match(Mqtt.Client.ReceivedMessage m) => Fleet.Is(m, Id, TopicKind.Status) && Fleet.Json(m).GetProperty("state").GetString() == state;
        try
        {
            await fleet.Sink.WaitUntilAsync(all => all.Skip(skip).Any(Match), TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException) when (process is not null)
        {
            process.Kill();
            throw new TimeoutException($"no '{state}' status from the device process; its output: {await process.StandardOutput.ReadToEndAsync()} {await process.StandardError.ReadToEndAsync()}");
        }

        return Fleet.Json(fleet.Sink.Snapshot().Skip(skip).First(Match));
    }

    private static Process StartDevice(string config, string broker)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "edgetransfer-device.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing; build the test project.");
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { dll, "run", "--config", config, "--broker", broker, "--print-every", "100000" })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }
}
