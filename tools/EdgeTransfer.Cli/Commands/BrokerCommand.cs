using System.CommandLine;
using System.Globalization;
using System.Net;
using EdgeTransfer.Mqtt.Broker;

namespace EdgeTransfer.Cli.Commands;

/// <summary>
/// <c>edgetransfer broker</c>: the embedded MQTTnet broker for one machine — a demo, a bench, a technician's
/// laptop. Plants run a real broker (Mosquitto, EMQX …) with TLS and ACLs; see devices/mosquitto/.
/// </summary>
internal static class BrokerCommand
{
    public static Command Create(CliConsole console)
    {
        var port = new Option<int>("--port") { Description = "The port to listen on (0 picks a free one).", DefaultValueFactory = _ => 1883 };
        port.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<int>();
            if (value is < 0 or > 65535)
            {
                r.AddError($"--port: expected 0 to 65535, got {value}.");
            }
        });
        var bind = new Option<string>("--bind") { Description = "The one address to listen on (127.0.0.1 by default; [::] is not opened). Any other address needs --users: the embedded broker has no TLS.", DefaultValueFactory = _ => "127.0.0.1" };
        var users = new Option<string?>("--users") { Description = "A file of 'user:password' lines (# comments); only these may connect. Default: anyone on this machine (required for a non-loopback --bind)." };
        var duration = new Option<double>("--duration") { Description = "Stop after this many seconds; 0 runs until Ctrl+C.", DefaultValueFactory = _ => 0 };
        duration.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<double>();
            if (!double.IsFinite(value) || value < 0)
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"--duration: expected 0 or more seconds, got {value}."));
            }
        });
        var command = new Command("broker", "Run the embedded MQTT 5 broker (MQTTnet) until Ctrl+C: the zero-setup broker for local use.") { port, bind, users, duration };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(bind)!;
            if (!IPAddress.TryParse(text, out var address))
            {
                throw new InvalidSettingException("--bind", $"expected an IP address such as 127.0.0.1 or 0.0.0.0, got \"{text}\".");
            }

            var userFile = parse.GetValue(users);
            if (!IPAddress.IsLoopback(address) && userFile is null)
            {
                throw new InvalidSettingException("--bind", $"{address} is reachable from other machines: also give --users <file> so that only those users may connect, or leave --bind at 127.0.0.1.");
            }

            var accounts = userFile is null ? null : ReadUsers(userFile);
            await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { BindAddress = address, Port = parse.GetValue(port), Users = accounts }, cancellationToken);
            var endpoint = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{broker.Port}" : $"{address}:{broker.Port}";
            console.Out.WriteLine($"listening  mqtt://{endpoint} (embedded MQTTnet broker, MQTT 3.1.1 and 5; sessions and retained messages in memory only)");
            console.Out.WriteLine(accounts is null ? "users      anyone who can reach the address (no --users file)" : $"users      {accounts.Count} from {userFile}");
            if (!IPAddress.IsLoopback(address))
            {
                console.Error.WriteLine($"warning: listening on {address} without TLS: passwords and payloads cross the network in clear text. Use a real broker with TLS for a plant.");
            }

            console.Out.WriteLine("Ctrl+C stops.");
            console.Out.Flush();
            var seconds = parse.GetValue(duration);
            try
            {
                await Task.Delay(seconds > 0 ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C is the normal way to stop.
            }

            console.Out.WriteLine("stopped");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Dictionary<string, string> ReadUsers(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidSettingException("--users", $"cannot read '{path}': {ex.Message}", ex);
        }

        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == line.Length - 1)
            {
                throw new InvalidSettingException("--users", $"'{path}' line {i + 1}: expected user:password, got a line without {(colon <= 0 ? "a user name before ':'" : "a password after ':'")}.");
            }

            if (!users.TryAdd(line[..colon], line[(colon + 1)..]))
            {
                throw new InvalidSettingException("--users", $"'{path}' line {i + 1}: user '{line[..colon]}' is listed twice.");
            }
        }

        return users.Count > 0 ? users : throw new InvalidSettingException("--users", $"'{path}' lists no user; write user:password lines, or leave --users out.");
    }
}
