using System.CommandLine;
using System.Globalization;
using EdgeTransfer.Fleet;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Deployment;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Cli.Commands;

/// <summary>
/// <c>edgetransfer fleet list|watch|cmd|deploy|rollback|fit</c>: watch and drive a fleet of devices over MQTT 5
/// (protocol v1, docs/mqtt.md). Every input is checked before the broker is contacted, so a typo costs no
/// connection and gets exit code 2.
/// </summary>
internal static class FleetCommand
{
    private static readonly TopicKind[] DeviceKinds = [TopicKind.Status, TopicKind.Telemetry, TopicKind.Events, TopicKind.Training];

    public static Command Create(CliConsole console) => new("fleet", "Watch and drive devices over MQTT: list, watch, send commands, deploy bundles, roll back, fit anomaly models.")
    {
        List(console),
        Watch(console),
        Cmd(console),
        Deploy(console),
        Rollback(console),
        FleetFitCommand.Create(console),
    };

    private static Command List(CliConsole console)
    {
        var connection = new ConnectionArgs();
        var json = new Option<bool>("--json") { Description = "Write one JSON document instead of the table." };
        var wait = Seconds("--wait", "Seconds to collect retained statuses and live messages (stops earlier once they stop coming).", 2, 0, 600);
        var command = new Command("list", "Every device of the fleet from its retained status (online/offline, last will), last seen, seq gaps, versions, newest telemetry and training.")
        {
            json, wait,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = connection.Read(parse);
            await using var client = await FleetClient.ConnectAsync(options, trackSequence: true, cancellationToken);
            // Replies too: they carry seq, and a view without them would report every reply as a gap.
            await client.SubscribeAsync([.. DeviceKinds, TopicKind.Reply], shared: false, cancellationToken);
            await client.View.WaitSettledAsync(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(parse.GetValue(wait)), cancellationToken);
            var devices = client.View.Snapshot();
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(FleetFormat.DevicesJson(options.Fleet, devices));
            }
            else
            {
                FleetFormat.WriteDevices(console.Out, devices, DateTimeOffset.UtcNow);
            }

            if (client.View.Malformed > 0)
            {
                console.Error.WriteLine($"warning: {client.View.Malformed} message(s) on fleet topics were not readable protocol v1 JSON and were ignored.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Watch(CliConsole console)
    {
        var connection = new ConnectionArgs();
        var kinds = new Option<string>("--kinds")
        {
            Description = "Comma-separated kinds to stream: status, telemetry, events, training, reply.",
            DefaultValueFactory = _ => "status,telemetry,events,training",
        };
        kinds.Validators.Add(result =>
        {
            try
            {
                ParseKinds(result.GetValueOrDefault<string>());
            }
            catch (InvalidSettingException e)
            {
                result.AddError(e.Message);
            }
        });
        var share = new Option<string?>("--share")
        {
            Description = "Join this MQTT 5 shared-subscription group (§4.8.2): consumers with the same group split the fleet's messages, each gets a part, none twice.",
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per message (topic, device, kind, retained, payload)." };
        var duration = Seconds("--duration", "Stop after this many seconds; 0 runs until Ctrl+C.", 0, 0, 86400 * 365);
        var command = new Command("watch", "Stream the fleet's messages, one line each, until Ctrl+C.") { kinds, share, json, duration };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = connection.Read(parse);
            options.SharedGroup = parse.GetValue(share);
            var selected = ParseKinds(parse.GetValue(kinds));
            var asJson = parse.GetValue(json);
            var output = new Lock();
            // Shared: each consumer sees only part of every device's messages, so seq gaps would be noise.
            await using var client = await FleetClient.ConnectAsync(options, trackSequence: options.SharedGroup is null, cancellationToken);
            client.MessageReceived = message =>
            {
                var now = DateTimeOffset.UtcNow;
                var line = asJson ? FleetFormat.WatchJson(message, now) : FleetFormat.WatchLine(message, now);
                lock (output)
                {
                    console.Out.WriteLine(line);
                    console.Out.Flush();
                }

                return Task.CompletedTask;
            };
            await client.SubscribeAsync(selected, shared: options.SharedGroup is not null, cancellationToken);
            console.Error.WriteLine($"watching {options.Fleet} on {options.Broker} ({string.Join(',', parse.GetValue(kinds)!.Split(',', StringSplitOptions.TrimEntries))}{(options.SharedGroup is { } g ? $", shared group '{g}'" : "")}); Ctrl+C stops.");
            var seconds = parse.GetValue(duration);
            try
            {
                await Task.Delay(seconds > 0 ? TimeSpan.FromSeconds(seconds) : Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C is how watch ends.
            }

            client.MessageReceived = null;
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Cmd(CliConsole console)
    {
        var connection = new ConnectionArgs();
        var target = new Argument<string>("device") { Description = "A device id, a comma-separated list of them, or 'all' (every device whose status is online)." };
        var name = new Argument<string>("name") { Description = $"The command: {string.Join(", ", CommandBody.Commands)}." };
        var args = new Option<string[]>("--arg")
        {
            Description = "A field as key=value (repeat it). Values that read as JSON (3, 0.01, true, \"x\", {…}) are taken as such, others as text. For config the keys are setting names (inspection.threshold=0.8).",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
        };
        var body = new Option<string?>("--body") { Description = "The whole request as a JSON object instead of --arg (schema is added)." };
        var timeout = Seconds("--timeout", "Seconds each device has to reply.", 10, 0.1, 3600);
        var wait = Seconds("--wait", "With 'all': seconds to collect the retained statuses that say which devices are online.", 2, 0, 600);
        var parallel = new Option<int>("--parallel") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 64 };
        parallel.Validators.Add(r => Range(r, "--parallel", r.GetValueOrDefault<int>(), 1, 10000));
        var json = new Option<bool>("--json") { Description = "Write one JSON document (every reply in full) instead of lines." };
        var command = new Command("cmd", "Send a command to one, some or all devices and print each reply. Exit 1 if any device answered with an error or did not answer in time.")
        {
            target, name, args, body, timeout, wait, parallel, json,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var selection = DeviceSelection.Parse(parse.GetValue(target), "<device>");
            var commandName = CommandBody.RequireKnown(parse.GetValue(name));
            var payload = CommandBody.Build(commandName, parse.GetValue(args) ?? [], parse.GetValue(body));
            return await RunCommandAsync(console, connection.Read(parse), selection, commandName, payload, parse.GetValue(timeout), parse.GetValue(wait), parse.GetValue(parallel), parse.GetValue(json), cancellationToken);
        });
        return command;
    }

    private static Command Rollback(CliConsole console)
    {
        var connection = new ConnectionArgs();
        var target = new Argument<string>("device") { Description = "A device id, a comma-separated list of them, or 'all' (every online device)." };
        var head = new Option<long?>("--head-version") { Description = "Put this head version back; default: the previous one." };
        head.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is < 1)
            {
                r.AddError($"--head-version: expected 1 or more, got {r.GetValueOrDefault<long?>()}.");
            }
        });
        var anomaly = new Option<bool>("--anomaly") { Description = "Put the previous anomaly model back in service instead of a head." };
        var timeout = Seconds("--timeout", "Seconds each device has to reply.", 10, 0.1, 3600);
        var wait = Seconds("--wait", "With 'all': seconds to collect the retained statuses.", 2, 0, 600);
        var json = new Option<bool>("--json") { Description = "Write one JSON document instead of lines." };
        var command = new Command("rollback", "Put the previous head (or --head-version), or with --anomaly the previous anomaly model, back in service on one, some or all devices.") { target, head, anomaly, timeout, wait, json };
        command.Validators.Add(r =>
        {
            if (r.GetValue(anomaly) && r.GetValue(head) is not null)
            {
                r.AddError("--head-version: not with --anomaly; an anomaly rollback restores the previous anomaly model.");
            }
        });
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var selection = DeviceSelection.Parse(parse.GetValue(target), "<device>");
            var version = parse.GetValue(head);
            string[] fields = parse.GetValue(anomaly) ? ["anomaly=true"] : version is { } v ? [$"headVersion={v.ToString(CultureInfo.InvariantCulture)}"] : [];
            var payload = CommandBody.Build("rollback", fields, null);
            return await RunCommandAsync(console, connection.Read(parse), selection, "rollback", payload, parse.GetValue(timeout), parse.GetValue(wait), 64, parse.GetValue(json), cancellationToken);
        });
        return command;
    }

    private static Command Deploy(CliConsole console)
    {
        var connection = new ConnectionArgs();
        var bundle = new Argument<string>("bundle") { Description = "A bundle directory (verified and packed first) or its .tar.gz archive." };
        var to = new Option<string>("--to") { Description = "Comma-separated device ids, or 'all' (every online device).", Required = true };
        var timeout = Seconds("--timeout", "Seconds each request (plan or chunk) may wait for its reply.", 30, 0.1, 3600);
        var wait = Seconds("--wait", "With 'all': seconds to collect the retained statuses.", 2, 0, 600);
        var chunk = new Option<int>("--chunk-size") { Description = "Chunk size in bytes (1 KiB to 1 MiB; devices accept 256 KiB by default).", DefaultValueFactory = _ => BundleChunker.DefaultChunkSize };
        chunk.Validators.Add(r => Range(r, "--chunk-size", r.GetValueOrDefault<int>(), BundleChunker.MinChunkSize, BundleChunker.MaxChunkSize));
        var parallel = new Option<int>("--parallel") { Description = "Devices served at once.", DefaultValueFactory = _ => 4 };
        parallel.Validators.Add(r => Range(r, "--parallel", r.GetValueOrDefault<int>(), 1, 256));
        var attempts = new Option<int>("--attempts") { Description = "Times the plan is sent per device (a timeout or lost connection resumes from the chunks the device holds).", DefaultValueFactory = _ => 3 };
        attempts.Validators.Add(r => Range(r, "--attempts", r.GetValueOrDefault<int>(), 1, 100));
        var json = new Option<bool>("--json") { Description = "Write one JSON document instead of lines." };
        var command = new Command("deploy", "Send a bundle to devices in verified chunks; an interrupted deployment resumes (run it again). Exit 1 if any device did not install it.")
        {
            bundle, to, timeout, wait, chunk, parallel, attempts, json,
        };
        connection.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var selection = DeviceSelection.Parse(parse.GetValue(to), "--to");
            var options = connection.Read(parse);
            using var source = BundleSource.Open(parse.GetValue(bundle)!);
            if (source.Packed)
            {
                console.Error.WriteLine($"packed     {parse.GetValue(bundle)} → {source.ArchivePath}");
            }

            await using var client = await FleetClient.ConnectAsync(options, trackSequence: false, cancellationToken);
            var devices = await ResolveAsync(console, client, selection, parse.GetValue(wait), cancellationToken);
            if (devices.Count == 0)
            {
                return ExitCodes.Failure;
            }

            console.Error.WriteLine($"deploying  {source.Size:N0} bytes (sha256 {source.Sha256[..16]}…, deployment {source.DeploymentId}) to {devices.Count} device(s)");
            var reported = new Dictionary<string, int>(StringComparer.Ordinal);
            var progress = new SynchronousProgress<DeployProgress>(p =>
            {
                // About every 10 %, so a 4000-chunk bundle does not print 4000 lines.
                var step = p.Total == 0 ? 0 : p.Held * 10 / p.Total;
                lock (reported)
                {
                    if (!reported.TryGetValue(p.Device, out var last) || step > last || p.Held == p.Total)
                    {
                        reported[p.Device] = step;
                        console.Error.WriteLine($"  {p.Device,-20} {p.Held}/{p.Total} chunks{(p.Attempt > 1 ? $" (attempt {p.Attempt}, resumed)" : "")}");
                    }
                }
            });
            var deployer = new BundleDeployer(client.Connection, TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(attempts));
            var outcomes = await deployer.DeployAsync(devices, source, parse.GetValue(chunk), parse.GetValue(parallel), progress, cancellationToken);
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(FleetFormat.DeploymentsJson(source, outcomes));
            }
            else
            {
                // A device that did not install it is an error line (stderr), so scripts see failures apart from results.
                foreach (var outcome in outcomes)
                {
                    (outcome.Ok ? console.Out : console.Error).WriteLine(FleetFormat.DeploymentLine(outcome));
                }

                console.Out.WriteLine($"{outcomes.Count} device(s): {outcomes.Count(o => o.Ok)} installed, {outcomes.Count(o => !o.Ok)} failed.");
            }

            return outcomes.All(o => o.Ok) ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task<int> RunCommandAsync(CliConsole console, FleetConnectionOptions options, DeviceSelection selection, string name, byte[] payload, double timeout, double wait, int parallel, bool json, CancellationToken cancellationToken)
    {
        await using var client = await FleetClient.ConnectAsync(options, trackSequence: false, cancellationToken);
        var devices = await ResolveAsync(console, client, selection, wait, cancellationToken);
        if (devices.Count == 0)
        {
            return ExitCodes.Failure;
        }

        var skipped = selection.All
            ? client.View.Snapshot().Where(d => d.State != DeviceState.Online).Select(d => CommandFanOut.Skipped(d.Device, name)).ToList()
            : [];
        var output = new Lock();
        var outcomes = await CommandFanOut.SendAsync(
            client.Connection,
            devices,
            name,
            payload,
            TimeSpan.FromSeconds(timeout),
            parallel,
            json ? null : o =>
            {
                lock (output)
                {
                    LineFor(console, o).WriteLine(FleetFormat.OutcomeLine(o));
                }
            },
            cancellationToken);
        var all = outcomes.Concat(skipped).ToList();
        if (json)
        {
            console.Out.WriteLine(FleetFormat.OutcomesJson(name, all));
        }
        else
        {
            foreach (var s in skipped)
            {
                LineFor(console, s).WriteLine(FleetFormat.OutcomeLine(s));
            }

            console.Out.WriteLine(FleetFormat.OutcomeSummary(all));
        }

        return outcomes.All(o => o.Succeeded) ? ExitCodes.Success : ExitCodes.Failure;
    }

    // Errors, time-outs and failures are error lines (stderr); answers and skipped offline devices are results.
    private static TextWriter LineFor(CliConsole console, CommandOutcome outcome) =>
        outcome.Kind is CommandOutcomeKind.Ok or CommandOutcomeKind.Skipped ? console.Out : console.Error;

    internal static async Task<IReadOnlyList<string>> ResolveAsync(CliConsole console, FleetClient client, DeviceSelection selection, double wait, CancellationToken cancellationToken)
    {
        if (!selection.All)
        {
            return selection.Devices;
        }

        // Retained statuses (MQTT 5 §3.3.1.3) arrive right after the SUBACK; never shared, or some would be missed.
        await client.SubscribeAsync([TopicKind.Status], shared: false, cancellationToken);
        await client.View.WaitSettledAsync(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(wait), cancellationToken);
        var online = client.View.OnlineDevices();
        if (online.Count == 0)
        {
            var known = client.View.Snapshot().Count;
            console.Error.WriteLine($"error: no device of fleet '{client.View.Fleet}' is online on {client.Connection.Options.Host}:{client.Connection.Options.Port} ({known} known, all offline); check --fleet, or wait longer with --wait.");
        }

        return online;
    }

    private static TopicKind[] ParseKinds(string? text)
    {
        var kinds = new List<TopicKind>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            kinds.Add(part switch
            {
                "status" => TopicKind.Status,
                "telemetry" => TopicKind.Telemetry,
                "events" => TopicKind.Events,
                "training" => TopicKind.Training,
                "reply" or "replies" => TopicKind.Reply,
                _ => throw new InvalidSettingException("--kinds", $"unknown kind '{part}'; expected status, telemetry, events, training or reply, comma-separated."),
            });
        }

        return kinds.Count > 0 ? [.. kinds] : throw new InvalidSettingException("--kinds", "expected at least one of status, telemetry, events, training, reply.");
    }

    internal static Option<double> Seconds(string name, string description, double defaultValue, double min, double max)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<double>();
            if (!double.IsFinite(value) || value < min || value > max)
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: expected seconds from {min} to {max}, got {value}."));
            }
        });
        return option;
    }

    private static void Range(System.CommandLine.Parsing.OptionResult result, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: expected {min} to {max}, got {value}."));
        }
    }

    /// <summary>The broker options every fleet subcommand takes.</summary>
    internal sealed class ConnectionArgs
    {
        private readonly Option<string> _broker = new("--broker") { Description = "The broker as host:port.", DefaultValueFactory = _ => BrokerAddress.Default.ToString() };
        private readonly Option<string> _fleet = new("--fleet") { Description = "The fleet id (third topic level).", DefaultValueFactory = _ => "default" };
        private readonly Option<string?> _tlsCa = new("--tls-ca") { Description = "PEM file of the CA that signed the broker's certificate (turns TLS on; the default port becomes 8883)." };
        private readonly Option<string?> _username = new("--username") { Description = "The MQTT user name (the broker's ACL gives the fleet role the right to send commands)." };
        private readonly Option<string?> _passwordFile = new("--password-file") { Description = "A file whose first line is the password (never on the command line)." };
        private readonly Option<double> _connectTimeout = Seconds("--connect-timeout", "Seconds to wait for the broker before giving up.", 5, 0.1, 600);

        public void AddTo(Command command)
        {
            command.Add(_broker);
            command.Add(_fleet);
            command.Add(_tlsCa);
            command.Add(_username);
            command.Add(_passwordFile);
            command.Add(_connectTimeout);
        }

        public FleetConnectionOptions Read(ParseResult parse)
        {
            var tls = parse.GetValue(_tlsCa);
            var options = new FleetConnectionOptions
            {
                Broker = BrokerAddress.Parse(parse.GetValue(_broker), "--broker", tls is null ? 1883 : 8883),
                Fleet = parse.GetValue(_fleet)!,
                TlsCaFile = tls,
                Username = parse.GetValue(_username),
                PasswordFile = parse.GetValue(_passwordFile),
                ConnectTimeout = TimeSpan.FromSeconds(parse.GetValue(_connectTimeout)),
            };
            // Validates now (exit 2 for a bad option), before anything connects.
            _ = options.ToConnectionOptions();
            return options;
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
