using System.CommandLine;
using System.Globalization;
using EdgeTransfer.LineConsole;
using EdgeTransfer.LineConsole.Rendering;
using EdgeTransfer.LineConsole.Session;
using EdgeTransfer.Mqtt.Client;
using Spectre.Console;

namespace EdgeTransfer.Cli.Commands;

/// <summary><c>edgetransfer console</c>: the technician's live dashboard of one device over MQTT, or one <c>--snapshot</c> of it.</summary>
internal static class ConsoleCommand
{
    public static Command Create(CliConsole console)
    {
        var broker = new Option<string>("--broker", "-b") { Description = "The MQTT broker as host:port.", DefaultValueFactory = _ => BrokerAddress.Default.ToString() };
        var fleet = new Option<string>("--fleet", "-f") { Description = "The fleet id (third topic level).", DefaultValueFactory = _ => "default" };
        var device = new Option<string?>("--device", "-d") { Description = "The device to watch; default the first one heard from." };
        var snapshot = new Option<bool>("--snapshot") { Description = "Render the dashboard once as text and exit (for scripts and logs); exit code 1 if the broker cannot be reached." };
        var wait = new Option<double>("--wait") { Description = "With --snapshot: seconds to wait for the broker, the device's status and its first reply.", DefaultValueFactory = _ => 3 };
        var width = new Option<int?>("--width") { Description = "With --snapshot: columns to render (default the terminal's, or 140)." };
        var classes = new Option<string?>("--classes") { Description = "Comma-separated class names for keys 1…9; default the device's own list (its status reply)." };
        var username = new Option<string?>("--username", "-u") { Description = "Broker user name (the fleet role)." };
        var passwordFile = new Option<string?>("--password-file") { Description = "File holding the broker password (first line)." };
        var tlsCa = new Option<string?>("--tls-ca") { Description = "PEM CA certificate that signed the broker's certificate; turns on TLS." };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM client certificate for mutual TLS." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM key of --tls-cert." };
        var tlsHost = new Option<string?>("--tls-host") { Description = "Name expected in the broker's certificate; default the broker host." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for a command's reply (train: --train-timeout).", DefaultValueFactory = _ => 10 };
        var trainTimeout = new Option<double>("--train-timeout") { Description = "Seconds to wait for the reply to train.", DefaultValueFactory = _ => 600 };
        var preview = new Option<double>("--preview-interval") { Description = "Seconds between preview requests; 0 for none.", DefaultValueFactory = _ => 1 };
        var command = new Command("console", "The technician's console: live status, inspection stream, samples, training and a preview of one device over MQTT; keys label, collect, train, roll back and pause.")
        {
            broker, fleet, device, snapshot, wait, width, classes, username, passwordFile, tlsCa, tlsCert, tlsKey, tlsHost, timeout, trainTimeout, preview,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (host, port) = BrokerAddress.Parse(parse.GetValue(broker), "--broker");
            var options = new ConsoleOptions
            {
                Host = host,
                Port = port,
                Fleet = parse.GetValue(fleet)!,
                Device = parse.GetValue(device),
                Classes = parse.GetValue(classes) is { } list ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null,
                Username = parse.GetValue(username),
                PasswordFile = parse.GetValue(passwordFile),
                Tls = parse.GetValue(tlsCa) is { } ca
                    ? new MqttTlsSettings { CaFile = ca, ClientCertificateFile = parse.GetValue(tlsCert), ClientKeyFile = parse.GetValue(tlsKey), TargetHost = parse.GetValue(tlsHost) }
                    : null,
                CommandTimeout = Seconds(parse.GetValue(timeout), "--timeout"),
                TrainTimeout = Seconds(parse.GetValue(trainTimeout), "--train-timeout"),
                PreviewInterval = parse.GetValue(preview) == 0 ? TimeSpan.Zero : Seconds(parse.GetValue(preview), "--preview-interval"),
            };
            var isSnapshot = parse.GetValue(snapshot);
            if (!isSnapshot && (Console.IsInputRedirected || !ReferenceEquals(console.Out, Console.Out)))
            {
                throw new InvalidSettingException("--snapshot", "the live console needs a terminal for its keys; add --snapshot to render once as text.");
            }

            await using var session = new DashboardSession(options);
            await session.StartAsync(cancellationToken);
            if (isSnapshot)
            {
                var reached = await session.WaitReadyAsync(Seconds(parse.GetValue(wait), "--wait"), cancellationToken);
                try
                {
                    // Replies still on their way (a preview, a status) make the snapshot fuller; a device that
                    // does not answer must not hold a script up for a whole command timeout.
                    await session.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                }
                catch (TimeoutException)
                {
                }

                var ansi = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Out = new AnsiConsoleOutput(console.Out),
                    Ansi = AnsiSupport.Detect,
                    Interactive = InteractionSupport.No,
                });
                ansi.Profile.Width = parse.GetValue(width) ?? (Console.IsOutputRedirected ? 140 : Math.Max(100, Console.WindowWidth));
                ansi.Write(DashboardRenderer.Render(session.Model.Snapshot()));
                return reached ? ExitCodes.Success : ExitCodes.Failure;
            }

            await LiveDashboard.RunAsync(AnsiConsole.Console, session, TimeSpan.FromMilliseconds(250), cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    private static TimeSpan Seconds(double value, string option) =>
        double.IsFinite(value) && value > 0 && value <= 86_400
            ? TimeSpan.FromSeconds(value)
            : throw new InvalidSettingException(option, $"expected seconds greater than 0 and at most 86400, got {value.ToString(CultureInfo.InvariantCulture)}.");
}
