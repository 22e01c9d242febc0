namespace EdgeTransfer.Benchmarks.Fleet;

/// <summary>What <see cref="FleetBenchmark"/> measures; checked by <see cref="FleetBenchmarkOptionsValidator"/>.</summary>
public sealed class FleetBenchmarkOptions
{
    /// <summary>Simulated devices, each its own MQTT client. Default 500 (issue 5).</summary>
    public int Devices { get; init; } = 500;

    /// <summary>Telemetry messages per second per device. Default 1.</summary>
    public double Rate { get; init; } = 1;

    /// <summary>Seconds of steady sending. Default 30.</summary>
    public double Seconds { get; init; } = 30;

    /// <summary>An external broker as host:port; null to spawn Mosquitto (or, where it is absent, the embedded broker).</summary>
    public string? Broker { get; init; }

    /// <summary>Use the embedded MQTTnet broker even where Mosquitto is installed.</summary>
    public bool Embedded { get; init; }

    /// <summary>Fleet consumers; more than one join a shared subscription (MQTT 5 §4.8.2). Default 1.</summary>
    public int Consumers { get; init; } = 1;

    /// <summary>The shared-subscription group; null for <c>bench</c> when <see cref="Consumers"/> &gt; 1.</summary>
    public string? Share { get; init; }

    /// <summary>Connects in flight at once during the ramp-up (not all devices in one burst). Default 16.</summary>
    public int ConnectParallel { get; init; } = 16;

    /// <summary>Seconds of the baseline: one client sending the same total message rate. Default 10 (0: no baseline).</summary>
    public double BaselineSeconds { get; init; } = 10;

    /// <summary>Seconds to wait after sending for the last messages to arrive. Default 10.</summary>
    public double DrainSeconds { get; init; } = 10;

    /// <summary>The fleet id the simulated devices use. Default <c>bench</c>.</summary>
    public string Fleet { get; init; } = "bench";

    /// <summary>Where the devices' state (seq counter, outbox) goes; null for /dev/shm where it exists, else the temp folder.</summary>
    public string? StateRoot { get; init; }
}
