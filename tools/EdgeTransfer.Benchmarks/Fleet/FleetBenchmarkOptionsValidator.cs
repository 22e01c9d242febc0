using System.Globalization;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Benchmarks.Fleet;

/// <summary>Checks <see cref="FleetBenchmarkOptions"/> before anything starts, naming the option at fault.</summary>
public static class FleetBenchmarkOptionsValidator
{
    /// <summary>Throws <see cref="InvalidSettingException"/> for the first value that cannot be used.</summary>
    /// <param name="options">The options.</param>
    public static void Validate(FleetBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(options.Devices is >= 1 and <= 20000, "--devices", $"expected 1 to 20000, got {options.Devices}.");
        Check(double.IsFinite(options.Rate) && options.Rate is > 0 and <= 100, "--rate", Fmt($"expected more than 0 and at most 100 messages per second per device, got {options.Rate}."));
        Check(double.IsFinite(options.Seconds) && options.Seconds is >= 1 and <= 3600, "--seconds", Fmt($"expected 1 to 3600, got {options.Seconds}."));
        Check(options.Devices * options.Rate <= 50000, "--rate", Fmt($"{options.Devices} devices × {options.Rate}/s is {options.Devices * options.Rate:0} messages per second; at most 50000."));
        Check(options.Consumers is >= 1 and <= 64, "--consumers", $"expected 1 to 64, got {options.Consumers}.");
        Check(options.ConnectParallel is >= 1 and <= 1000, "--connect-parallel", $"expected 1 to 1000, got {options.ConnectParallel}.");
        Check(double.IsFinite(options.BaselineSeconds) && options.BaselineSeconds is >= 0 and <= 600, "--baseline-seconds", Fmt($"expected 0 to 600, got {options.BaselineSeconds}."));
        Check(double.IsFinite(options.DrainSeconds) && options.DrainSeconds is >= 0 and <= 600, "--drain-seconds", Fmt($"expected 0 to 600, got {options.DrainSeconds}."));
        Check(!(options.Embedded && options.Broker is not null), "--embedded", "give either --broker or --embedded, not both.");
        ProtocolIds.RequireId(options.Fleet, "--fleet");
        if (options.Share is not null)
        {
            ProtocolIds.RequireId(options.Share, "--share");
        }
    }

    private static string Fmt(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void Check(bool ok, string setting, string reason)
    {
        if (!ok)
        {
            throw new InvalidSettingException(setting, reason);
        }
    }
}
