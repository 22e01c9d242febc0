using System.Diagnostics;
using System.Globalization;
using EdgeTransfer.Mqtt.Broker;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Benchmarks.Fleet;

/// <summary>
/// <c>edgetransfer bench fleet</c>: N simulated devices in one process, each its own MQTT 5 client in the
/// device role (persistent-session options, birth and will, QoS 1 telemetry through its own outbox with
/// seq and a send timestamp), against a broker on loopback, read by one fleet consumer (or several in a
/// shared subscription, MQTT 5 §4.8.2). Reports delivered/sent, duplicates, gaps and end-to-end latency,
/// and the same figures for a baseline in the same run: one client sending the same total message rate.
/// </summary>
/// <remarks>
/// Measuring honestly on a small machine: devices connect in a bounded ramp (a plant's devices do not all
/// boot in the same millisecond, and a burst would measure the accept queue); sends are spread evenly over
/// each period by one scheduler, not 500 timers firing together; the scheduler's own lateness is reported,
/// so a saturated client shows up as send lag rather than as broker latency; CPU of this process and of
/// the broker is measured over the same window to say where the time goes.
/// </remarks>
public static class FleetBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">What to measure.</param>
    /// <param name="log">Progress lines (standard error).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <exception cref="InvalidSettingException">An option cannot be used.</exception>
    /// <exception cref="BrokerConnectionException">A client could not connect.</exception>
    public static async Task<FleetReport> RunAsync(FleetBenchmarkOptions options, Action<string> log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        FleetBenchmarkOptionsValidator.Validate(options);
        var external = options.Broker is null ? (BrokerAddress?)null : BrokerAddress.Parse(options.Broker);
        var machine = MachineInfo.Detect();
        var stateRoot = Path.Combine(options.StateRoot ?? (Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath()), "edgetransfer-bench-fleet-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(stateRoot);
        MosquittoProcess? mosquitto = null;
        EmbeddedBroker? embedded = null;
        try
        {
            string brokerText;
            BrokerAddress address;
            if (external is { } given)
            {
                address = given;
                brokerText = $"external broker at {given}";
            }
            else if (!options.Embedded && MosquittoProcess.IsInstalled)
            {
                mosquitto = await MosquittoProcess.StartAsync(null, cancellationToken);
                address = new BrokerAddress("127.0.0.1", mosquitto.Port);
                brokerText = $"{mosquitto.Version}, spawned on 127.0.0.1:{mosquitto.Port} (anonymous, no persistence)";
            }
            else
            {
                if (options.Consumers > 1 || options.Share is not null)
                {
                    throw new InvalidSettingException("--consumers", $"shared consumers need MQTT 5 shared subscriptions (§4.8.2), which the embedded MQTTnet broker does not support{(options.Embedded ? "" : $" (and {MosquittoProcess.DefaultBinary} is not installed)")}; use Mosquitto (--broker host:port or install it) or one consumer.");
                }

                embedded = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 }, cancellationToken);
                address = new BrokerAddress("127.0.0.1", embedded.Port);
                brokerText = options.Embedded
                    ? $"embedded MQTTnet broker on 127.0.0.1:{embedded.Port} (--embedded; in this process, so its CPU counts as client CPU)"
                    : $"embedded MQTTnet broker on 127.0.0.1:{embedded.Port} ({MosquittoProcess.DefaultBinary} not found; in this process, so its CPU counts as client CPU)";
            }

            log($"broker     {brokerText}");
            var run = new Run(options, address, stateRoot, mosquitto, log);
            PhaseResult? baseline = null;
            if (options.BaselineSeconds > 0)
            {
                // First, so it also warms the JIT and the broker; its first second is not counted.
                baseline = await run.BaselineAsync(cancellationToken);
            }

            var (connectSeconds, connectMs, fleet, threads) = await run.FleetAsync(cancellationToken);
            return new FleetReport
            {
                Machine = machine,
                LoadAverageAtEnd = MachineInfo.ReadLoadAverage(),
                Options = options,
                Broker = brokerText,
                StateRoot = stateRoot.StartsWith("/dev/shm", StringComparison.Ordinal) ? "/dev/shm (tmpfs)" : Path.GetDirectoryName(stateRoot)!,
                ConnectSeconds = connectSeconds,
                ConnectMs = connectMs,
                Fleet = fleet,
                Baseline = baseline,
                Threads = threads,
            };
        }
        finally
        {
            if (mosquitto is not null)
            {
                await mosquitto.DisposeAsync();
            }

            if (embedded is not null)
            {
                await embedded.DisposeAsync();
            }

            try
            {
                Directory.Delete(stateRoot, recursive: true);
            }
            catch (IOException)
            {
                // Scratch state on tmpfs; harmless if left.
            }
        }
    }

    /// <summary>One run's shared settings and helpers.</summary>
    private sealed class Run(FleetBenchmarkOptions options, BrokerAddress broker, string stateRoot, MosquittoProcess? mosquitto, Action<string> log)
    {
        public async Task<PhaseResult> BaselineAsync(CancellationToken cancellationToken)
        {
            var rate = options.Devices * options.Rate;
            log(Invariant($"baseline   1 client × {rate:0.#}/s for {options.BaselineSeconds} s (+1 s warm-up)"));
            var ids = new[] { "baseline-0" };
            var ledger = new TelemetryLedger(ids);
            var consumers = await StartConsumersAsync(ledger, 1, null, cancellationToken);
            var devices = new List<MqttConnection>();
            try
            {
                var (connection, _) = await ConnectDeviceAsync(ids[0], cancellationToken);
                devices.Add(connection);
                // Warm-up (JIT, broker, socket buffers): sent but not counted. Everything up to the seq
                // handed out last is ignored by the ledger, also what is still in flight.
                ledger.Ignore(0, long.MaxValue);
                await DriveAsync(devices, rate, TimeSpan.FromSeconds(1), new TelemetryLedger(ids), cancellationToken);
                ledger.Ignore(0, connection.Sequence!.Last);
                return await MeasureAsync(devices, rate, options.BaselineSeconds, ledger, cancellationToken);
            }
            finally
            {
                await DisposeAllAsync(devices);
                await DisposeAllAsync(consumers);
            }
        }

        public async Task<(double Seconds, LatencySummary ConnectMs, PhaseResult Fleet, int Threads)> FleetAsync(CancellationToken cancellationToken)
        {
            var ids = Enumerable.Range(0, options.Devices).Select(i => "sim-" + i.ToString("D5", CultureInfo.InvariantCulture)).ToArray();
            var ledger = new TelemetryLedger(ids);
            var shared = options.Consumers > 1 || options.Share is not null ? options.Share ?? "bench" : null;
            var consumers = await StartConsumersAsync(ledger, options.Consumers, shared, cancellationToken);
            var devices = new MqttConnection[ids.Length];
            try
            {
                log($"connect    {ids.Length} devices, {options.ConnectParallel} in flight");
                var connectTimes = new double[ids.Length];
                var ramp = Stopwatch.StartNew();
                using (var gate = new SemaphoreSlim(options.ConnectParallel))
                {
                    await Task.WhenAll(ids.Select(async (id, i) =>
                    {
                        await gate.WaitAsync(cancellationToken);
                        try
                        {
                            (devices[i], connectTimes[i]) = await ConnectDeviceAsync(id, cancellationToken);
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }));
                }

                var rampSeconds = ramp.Elapsed.TotalSeconds;
                log(Invariant($"connected  in {rampSeconds:0.00} s; sending {options.Devices} × {options.Rate}/s for {options.Seconds} s"));
                // Let the births settle so the first telemetry does not queue behind them.
                await Task.Delay(500, cancellationToken);
                var result = await MeasureAsync(devices, options.Rate, options.Seconds, ledger, cancellationToken);
                var threads = Process.GetCurrentProcess().Threads.Count;
                if (ledger.Unknown > 0)
                {
                    log($"warning    {ledger.Unknown} message(s) from devices of another run on this broker were ignored");
                }

                return (rampSeconds, LatencySummary.From(connectTimes), result, threads);
            }
            finally
            {
                log("closing    devices and consumers");
                await DisposeAllAsync(devices.Where(d => d is not null));
                if (mosquitto is null && consumers.Count > 0)
                {
                    // An external or embedded broker keeps retained statuses; a zero-byte retained message
                    // removes them (MQTT 5 §3.3.1.3), so the bench leaves no phantom devices behind.
                    await ClearStatusesAsync(consumers[0], ids, cancellationToken);
                }

                await DisposeAllAsync(consumers);
            }
        }

        /// <summary>Sends at <paramref name="ratePerDevice"/> for <paramref name="seconds"/>, drains, and measures CPU over the window.</summary>
        private async Task<PhaseResult> MeasureAsync(IReadOnlyList<MqttConnection> devices, double ratePerDevice, double seconds, TelemetryLedger ledger, CancellationToken cancellationToken)
        {
            var process = Process.GetCurrentProcess();
            var clientCpu0 = process.TotalProcessorTime;
            var brokerCpu0 = mosquitto?.CpuTime();
            var wall = Stopwatch.StartNew();
            var lag = await DriveAsync(devices, ratePerDevice, TimeSpan.FromSeconds(seconds), ledger, cancellationToken);
            var drainUntil = Stopwatch.GetTimestamp() + (long)(options.DrainSeconds * Stopwatch.Frequency);
            // Bounded drain: until everything sent arrived, or DrainSeconds.
            while (Stopwatch.GetTimestamp() < drainUntil && ledger.DeliveredCount() < ledger.SentCount())
            {
                await Task.Delay(50, cancellationToken);
            }

            var elapsed = wall.Elapsed.TotalSeconds;
            process.Refresh();
            var clientCpu = (process.TotalProcessorTime - clientCpu0).TotalSeconds / elapsed * 100;
            double? brokerCpu = mosquitto?.CpuTime() is { } b1 && brokerCpu0 is { } b0 ? (b1 - b0).TotalSeconds / elapsed * 100 : null;
            var (sent, delivered, duplicates, holes, latency) = ledger.Summarise();
            return new PhaseResult(devices.Count, devices.Count * ratePerDevice, seconds, sent, delivered, duplicates, holes, latency, lag, clientCpu, brokerCpu);
        }

        /// <summary>
        /// The load generator: one loop, each device at its own phase within the period so the load is
        /// even (device i of n sends at i/n of each period), every send timed against its schedule.
        /// </summary>
        private static async Task<LatencySummary> DriveAsync(IReadOnlyList<MqttConnection> devices, double ratePerDevice, TimeSpan duration, TelemetryLedger ledger, CancellationToken cancellationToken)
        {
            var period = (long)(Stopwatch.Frequency / ratePerDevice);
            var start = Stopwatch.GetTimestamp();
            var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var due = new PriorityQueue<int, long>(devices.Count);
            for (var i = 0; i < devices.Count; i++)
            {
                due.Enqueue(i, start + (period * i / devices.Count));
            }

            var lags = new List<double>((int)Math.Min(int.MaxValue / 2, duration.TotalSeconds * ratePerDevice * devices.Count) + 16);
            var frames = new long[devices.Count];
            while (due.TryPeek(out var device, out var at) && at < end)
            {
                var now = Stopwatch.GetTimestamp();
                if (at > now)
                {
                    await Task.Delay(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, (at - now) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)), cancellationToken);
                    continue;
                }

                due.Dequeue();
                lags.Add((double)(now - at) * 1000 / Stopwatch.Frequency);
                frames[device] += 25;
                var (seq, stored) = devices[device].Enqueue(new TelemetryMessage
                {
                    UptimeSeconds = (double)(now - start) / Stopwatch.Frequency,
                    Frames = frames[device],
                    Verdicts = new Dictionary<string, long> { ["good"] = frames[device] - (frames[device] / 50), ["scratch"] = frames[device] / 50 },
                    Rejected = frames[device] / 50,
                    LatencyMs = new LatencyPercentiles { P50 = 9.8, P95 = 12.1, P99 = 15.6 },
                    CpuPercent = 63.1,
                    RssBytes = 212_992_000,
                });
                if (stored)
                {
                    ledger.Sent(device, seq);
                }

                due.Enqueue(device, at + period);
            }

            return LatencySummary.From(lags);
        }

        private async Task<(MqttConnection Connection, double Ms)> ConnectDeviceAsync(string id, CancellationToken cancellationToken)
        {
            var connection = new MqttConnection(new MqttConnectionOptions
            {
                Role = ConnectionRole.Device,
                Host = broker.Host,
                Port = broker.Port,
                Fleet = options.Fleet,
                DeviceId = id,
                StateDirectory = Path.Combine(stateRoot, id),
                // Simulated devices leave no session behind on a shared broker (§3.1.2.11.2: 0 ends it at disconnect).
                SessionExpiry = TimeSpan.Zero,
                KeepAlive = TimeSpan.FromSeconds(30),
                ConnectTimeout = TimeSpan.FromSeconds(30),
            });
            var clock = Stopwatch.StartNew();
            try
            {
                await connection.StartAsync(cancellationToken);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                await connection.WaitConnectedAsync(timeout.Token);
                return (connection, clock.Elapsed.TotalMilliseconds);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                await connection.DisposeAsync();
                throw new BrokerConnectionException(broker.Host, broker.Port, $"device {id} did not connect within 30 s.", ex);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        private async Task<List<MqttConnection>> StartConsumersAsync(TelemetryLedger ledger, int count, string? shared, CancellationToken cancellationToken)
        {
            var consumers = new List<MqttConnection>();
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var consumer = new MqttConnection(new MqttConnectionOptions
                    {
                        Role = ConnectionRole.Fleet,
                        Host = broker.Host,
                        Port = broker.Port,
                        Fleet = options.Fleet,
                        SharedSubscriptionGroup = shared,
                        ConnectTimeout = TimeSpan.FromSeconds(10),
                    });
                    consumers.Add(consumer);
                    consumer.MessageHandler = message =>
                    {
                        var received = DateTimeOffset.UtcNow;
                        if (message.DeviceTopic is { Kind: TopicKind.Telemetry } topic)
                        {
                            var telemetry = ProtocolJson.Deserialize<TelemetryMessage>(message.Payload.Span);
                            ledger.Received(topic.Device, telemetry.Seq, (received - telemetry.Ts).TotalMilliseconds);
                        }

                        return Task.CompletedTask;
                    };
                    await consumer.StartAsync(cancellationToken);
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(10));
                    try
                    {
                        await consumer.WaitConnectedAsync(timeout.Token);
                    }
                    catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new BrokerConnectionException(broker.Host, broker.Port, "the fleet consumer did not connect within 10 s; is the broker running?", ex);
                    }

                    await consumer.SubscribeFleetAsync(TopicKind.Telemetry, cancellationToken);
                }

                return consumers;
            }
            catch
            {
                await DisposeAllAsync(consumers);
                throw;
            }
        }

        private static async Task ClearStatusesAsync(MqttConnection consumer, IEnumerable<string> ids, CancellationToken cancellationToken)
        {
            foreach (var id in ids)
            {
                try
                {
                    await consumer.PublishAsync(DeviceTopic.For(consumer.Options.Fleet, id, TopicKind.Status).ToString(), ReadOnlyMemory<byte>.Empty, new PublishSettings { Retain = true, ContentType = null }, cancellationToken);
                }
                catch (BrokerConnectionException)
                {
                    // The ACL of a real broker may refuse it; the statuses then stay (offline, shutdown).
                    return;
                }
            }
        }

        private static async Task DisposeAllAsync(IEnumerable<MqttConnection> connections)
        {
            // Bounded parallelism: 500 clean DISCONNECTs at once would be a burst of their own.
            using var gate = new SemaphoreSlim(32);
            await Task.WhenAll(connections.Select(async c =>
            {
                await gate.WaitAsync();
                try
                {
                    await c.DisposeAsync();
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
