using EdgeTransfer.Agent;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Runtime.Inspection;

namespace EdgeTransfer.Hosting;

/// <summary>
/// An inspection device inside an application: verdicts as events or as an <see cref="IAsyncEnumerable{T}"/>, whichever
/// bundle is in service (a deployment over MQTT replaces it without the application noticing).
/// </summary>
/// <remarks>
/// Events are raised on the inspection loop's thread and must return quickly; a slow consumer reads
/// <see cref="ReadVerdictsAsync"/> instead, which buffers.
/// </remarks>
public interface IInspectionDevice
{
    /// <summary>Where the device is in its life.</summary>
    InspectionDeviceState State { get; }

    /// <summary>The device host in service (bundle, heads, samples, trainer), or null when not running.</summary>
    DeviceHost? Host { get; }

    /// <summary>Why <see cref="StartAsync"/> failed (one sentence naming the input and the reason), or null.</summary>
    string? FailureReason { get; }

    /// <summary>Raised for every verdict.</summary>
    event EventHandler<VerdictEventArgs>? VerdictReady;

    /// <summary>Raised for every frame that could not be inspected; the loop goes on with the next one.</summary>
    event EventHandler<InspectionErrorEventArgs>? InspectionError;

    /// <summary>Raised after a bundle deployed over MQTT replaced the one in service.</summary>
    event EventHandler<HostReplacedEventArgs>? BundleReplaced;

    /// <summary>Locks the state directory, resolves and opens the bundle in service, starts inspecting (and the MQTT agent when configured).</summary>
    /// <param name="cancellationToken">Stops waiting for the broker's first connect.</param>
    /// <exception cref="EdgeTransferException">The settings, the bundle or the state directory cannot be used; nothing stays open.</exception>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops inspecting, publishes <c>offline</c> when MQTT is on, closes the bundle and releases the state directory.</summary>
    Task StopAsync();

    /// <summary>
    /// The verdicts from this call on (the reader is registered at once, before the first <c>MoveNextAsync</c>), until the device stops or a finite source runs out; ends at once when the device failed
    /// to start or has stopped. A reader that falls more than <see cref="EdgeTransferDeviceOptions.VerdictBufferCapacity"/>
    /// verdicts behind loses the oldest.
    /// </summary>
    /// <param name="cancellationToken">Ends the enumeration.</param>
    IAsyncEnumerable<Verdict> ReadVerdictsAsync(CancellationToken cancellationToken = default);
}
