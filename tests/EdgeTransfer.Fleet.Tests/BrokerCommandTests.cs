using System.Net;
using System.Net.Sockets;
using EdgeTransfer.Cli;
using EdgeTransfer.Fleet.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Fleet.Tests;

/// <summary><c>edgetransfer broker</c>: the embedded broker serves the fleet tool and devices.</summary>
public class BrokerCommandTests
{
    [Fact]
    public async Task Broker_ServesDevicesAndTheFleetTool_AndSaysWhereItListens()
    {
        // Given the embedded broker on a free port
        using var state = new TempDirectory();
        var port = FreePort();
        var broker = CliRunner.RunAsync("broker", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", "6");
        await WaitListeningAsync(port);

        // When a device connects and the fleet tool asks it for its status
        await using (var device = await SimulatedDevice.StartAsync(port, "d1", state.Path))
        {
            var cmd = await CliRunner.RunAsync("fleet", "cmd", "d1", "status", "--broker", $"127.0.0.1:{port}", "--fleet", SimulatedDevice.Fleet);

            // Then it answers through the embedded broker
            Assert.True(cmd.ExitCode == ExitCodes.Success, cmd.ToString());
        }

        var result = await broker;
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains($"listening  mqtt://127.0.0.1:{port}", result.Output, StringComparison.Ordinal);
        Assert.Contains("stopped", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broker_RefusesUnknownUsers_WhenAUsersFileIsGiven()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("users"), "fleet:s3cret\n");
        File.WriteAllText(dir.Combine("wrong"), "guess\n");
        var port = FreePort();
        var broker = CliRunner.RunAsync("broker", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--users", dir.Combine("users"), "--duration", "4");
        await WaitListeningAsync(port);

        var result = await CliRunner.RunAsync("fleet", "list", "--broker", $"127.0.0.1:{port}", "--username", "fleet", "--password-file", dir.Combine("wrong"), "--connect-timeout", "1.5");

        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains("password", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.True((await broker).ExitCode == ExitCodes.Success);
    }

    [Fact]
    public async Task WatchShare_FailsWithExit1_SayingTheEmbeddedBrokerHasNoSharedSubscriptions()
    {
        var port = FreePort();
        var broker = CliRunner.RunAsync("broker", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", "3");
        await WaitListeningAsync(port);

        var result = await CliRunner.RunAsync("fleet", "watch", "--share", "ingest", "--duration", "1", "--broker", $"127.0.0.1:{port}");

        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains("does not support MQTT 5 shared subscriptions", result.Error, StringComparison.Ordinal);
        Assert.True((await broker).ExitCode == ExitCodes.Success);
    }

    [Fact]
    public async Task Broker_ListensOnlyOnThePrintedAddress_NotOnIPv6()
    {
        var port = FreePort();
        var broker = CliRunner.RunAsync("broker", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", "3");
        await WaitListeningAsync(port);

        // An anonymous client on [::1] (or any IPv6 address) must find nothing listening
        using var v6 = new TcpClient(AddressFamily.InterNetworkV6);
        await Assert.ThrowsAsync<SocketException>(() => v6.ConnectAsync(IPAddress.IPv6Loopback, port));

        var result = await broker;
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains($"listening  mqtt://127.0.0.1:{port}", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public async Task Broker_BeyondLoopbackWithoutUsers_IsAUsageError(string address)
    {
        var result = await CliRunner.RunAsync("broker", "--bind", address, "--port", "0", "--duration", "1");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--users", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", result.Output, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitListeningAsync(int port)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"the broker did not listen on {port}");
    }
}
