using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeTransfer.Runtime.Loading;

/// <summary>
/// Holds the bundle in service and replaces it only with one that passed verification (and the caller's
/// acceptance check, such as loading it into ONNX Runtime). A bundle that fails is refused with the reason;
/// the one in service stays, untouched: a device never loses its working model to a bad deployment.
/// </summary>
/// <remarks>
/// <see cref="Current"/> is read without locking (a volatile reference); deployments are serialised.
/// Components that hold sessions of the old bundle (the inspection loop) subscribe to <see cref="Swapped"/>
/// and move over at a frame boundary.
/// </remarks>
public sealed partial class BundleSwap
{
    private readonly Lock _deployLock = new();
    private readonly ILogger _logger;
    private DeviceBundle _current;

    /// <summary>Starts with a verified bundle in service.</summary>
    /// <param name="initial">The bundle in service (from <see cref="DeviceBundle.Open"/>).</param>
    /// <param name="logger">Where deployments and refusals are logged; none when null.</param>
    public BundleSwap(DeviceBundle initial, ILogger<BundleSwap>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Raised after a new bundle was put in service, on the deploying thread.</summary>
    public event EventHandler<BundleSwappedEventArgs>? Swapped;

    /// <summary>The bundle in service.</summary>
    public DeviceBundle Current => Volatile.Read(ref _current);

    /// <summary>How many deployments were refused since start.</summary>
    public int Refused { get; private set; }

    /// <summary>Opens and verifies the bundle in <paramref name="directory"/> and, if it passes, puts it in service.</summary>
    /// <param name="directory">The new bundle directory.</param>
    /// <param name="choice">Which backbone to run.</param>
    /// <param name="accept">
    /// An extra check before the swap (for example, make the backbone session and run one frame); throwing an
    /// <see cref="EdgeTransferException"/> refuses the bundle. Null for none.
    /// </param>
    /// <returns>Accepted with the new bundle, or refused with the reason and the old bundle still in service.</returns>
    public BundleDeployResult TryDeploy(string directory, BackboneChoice choice = BackboneChoice.Auto, Action<DeviceBundle>? accept = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        lock (_deployLock)
        {
            DeviceBundle candidate;
            try
            {
                candidate = DeviceBundle.Open(directory, choice);
                accept?.Invoke(candidate);
            }
            catch (EdgeTransferException ex)
            {
                Refused++;
                var current = Current;
                LogRefused(_logger, directory, current.BundleId, ex.Message, ex);
                return new BundleDeployResult(false, current, ex.Message, ex);
            }

            var previous = Interlocked.Exchange(ref _current, candidate);
            LogDeployed(_logger, candidate.BundleId, candidate.BackboneRole, previous.BundleId);
            Swapped?.Invoke(this, new BundleSwappedEventArgs(previous, candidate));
            return new BundleDeployResult(true, candidate, null, null);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Refused the bundle in {Directory}; bundle {Current} stays in service. {Reason}")]
    private static partial void LogRefused(ILogger logger, string directory, string current, string reason, Exception error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Bundle {BundleId} is in service (backbone {Role}); it replaced {Previous}.")]
    private static partial void LogDeployed(ILogger logger, string bundleId, string role, string previous);
}
