using System.Net;
using System.Net.Sockets;
using EdgeTransfer.Cli;
using EdgeTransfer.Fleet.Tests.Infrastructure;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Fleet.Tests;

/// <summary>Bad input to <c>fleet</c> and <c>broker</c>: a sentence naming the input and the reason, exit 2 (usage) or 1 (failure), and no broker needed to find out.</summary>
public class FleetBadInputTests
{
    [Theory]
    [InlineData("../etc", "<device>", "not a device id")]
    [InlineData("d1,bad/id", "<device>", "not a device id")]
    [InlineData("d+", "<device>", "not a device id")]
    public void Cmd_FailsWithExit2_WhenTheDeviceIdIsInvalid(string device, string names, string reason)
    {
        var result = CliRunner.Run("fleet", "cmd", device, "status", "--broker", Unreachable());
        AssertFailed(result, ExitCodes.Usage, names, reason);
    }

    [Theory]
    [InlineData("selfdestruct", "unknown command")]
    [InlineData("deploy", "fleet deploy")]
    public void Cmd_FailsWithExit2_WhenTheCommandNameIsUnknown(string name, string reason)
    {
        var result = CliRunner.Run("fleet", "cmd", "d1", name, "--broker", Unreachable());
        AssertFailed(result, ExitCodes.Usage, "<name>", reason);
    }

    [Theory]
    [InlineData("epochs", "expected key=value")]
    [InlineData("=5", "expected key=value")]
    [InlineData("ep/ochs=5", "expected key=value")]
    public void Cmd_FailsWithExit2_WhenAnArgIsMalformed(string arg, string reason)
    {
        var result = CliRunner.Run("fleet", "cmd", "d1", "train", "--arg", arg, "--broker", Unreachable());
        AssertFailed(result, ExitCodes.Usage, "--arg", reason);
    }

    [Fact]
    public void Cmd_FailsWithExit2_WhenAnArgIsRepeated()
    {
        var result = CliRunner.Run("fleet", "cmd", "d1", "train", "--arg", "epochs=5", "--arg", "epochs=6", "--broker", Unreachable());
        AssertFailed(result, ExitCodes.Usage, "--arg", "twice");
    }

    [Fact]
    public void Cmd_FailsWithExit2_WhenTheBodyIsNotAJsonObject()
    {
        var result = CliRunner.Run("fleet", "cmd", "d1", "train", "--body", "[1,2]", "--broker", Unreachable());
        AssertFailed(result, ExitCodes.Usage, "--body", "JSON object");
    }

    [Fact]
    public void Deploy_FailsWithExit2_WhenTheBundleIsMissing()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("fleet", "deploy", dir.Combine("nope.tar.gz"), "--to", "d1", "--broker", Unreachable());
        AssertFailed(result, ExitCodes.Usage, "nope.tar.gz", "does not exist");
    }

    [Fact]
    public void Deploy_FailsWithExit1_WhenTheDirectoryIsNotABundle()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("notes.txt"), "not a bundle");
        var result = CliRunner.Run("fleet", "deploy", dir.Path, "--to", "d1", "--broker", Unreachable());
        AssertFailed(result, ExitCodes.Failure, dir.Path, "manifest");
    }

    [Fact]
    public void Deploy_FailsWithExit2_WhenToIsMissing()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run("fleet", "deploy", dir.Path);
        AssertFailed(result, ExitCodes.Usage, "--to", "required");
    }

    [Fact]
    public void List_FailsWithExit1_NamingTheBroker_WhenItIsUnreachable()
    {
        var broker = Unreachable();
        var result = CliRunner.Run("fleet", "list", "--broker", broker, "--connect-timeout", "3");
        AssertFailed(result, ExitCodes.Failure, broker, "no connection within 3 s");
        // The cause as the OS reported it, in the parentheses: refused on an idle machine; a busy one may time out
        // first. "(no answer)" there would mean the attempts' cause was lost.
        Assert.Matches(@"no connection within 3 s \([^)]*(?i:refused|timed out)", result.Error);
    }

    [Theory]
    [InlineData("--broker", "mqtt://host:1883", "no scheme")]
    [InlineData("--broker", "host:99999", "port from 1 to 65535")]
    [InlineData("--fleet", "plant/1", "topic level")]
    [InlineData("--password-file", "/nonexistent/pw", "--username")]
    public void List_FailsWithExit2_WhenAConnectionOptionIsInvalid(string option, string value, string reason)
    {
        var result = CliRunner.Run("fleet", "list", option, value);
        AssertFailed(result, ExitCodes.Usage, option, reason);
    }

    [Fact]
    public void Watch_FailsWithExit2_WhenAKindIsUnknown()
    {
        var result = CliRunner.Run("fleet", "watch", "--kinds", "telemetry,gossip", "--broker", Unreachable());
        AssertFailed(result, ExitCodes.Usage, "--kinds", "gossip");
    }

    [Fact]
    public void Watch_FailsWithExit2_WhenTheShareGroupIsInvalid()
    {
        var result = CliRunner.Run("fleet", "watch", "--share", "a/b", "--broker", Unreachable());
        AssertFailed(result, ExitCodes.Usage, "--share", "topic level");
    }

    [Fact]
    public void Broker_FailsWithExit2_WhenTheUsersFileIsMalformed()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("users"), "# fleet accounts\nfleet:secret\njust-a-name\n");
        var result = CliRunner.Run("broker", "--port", "0", "--users", dir.Combine("users"), "--duration", "0.1");
        AssertFailed(result, ExitCodes.Usage, "--users", "line 3");
    }

    [Fact]
    public void Broker_FailsWithExit2_WhenTheBindAddressIsNotAnAddress()
    {
        var result = CliRunner.Run("broker", "--bind", "localhost:1883");
        AssertFailed(result, ExitCodes.Usage, "--bind", "IP address");
    }

    private static void AssertFailed(CliResult result, int exitCode, string names, string reason)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(names, result.Error, StringComparison.Ordinal);
        Assert.Contains(reason, result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(result.Output);
    }

    /// <summary>A loopback port nobody listens on (just released).</summary>
    private static string Unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }
}
