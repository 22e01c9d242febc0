using EdgeTransfer.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Device.Hosting;

/// <summary>Builds the generic host that <c>edgetransfer-device run</c> runs: logging, systemd integration and the <see cref="DeviceService"/>.</summary>
public static class DeviceServiceHost
{
    /// <summary>The environment variable that overrides <c>logging.level</c> of device.json.</summary>
    public const string LogLevelVariable = "EDGETRANSFER_LOG_LEVEL";

    /// <summary>
    /// A host builder for <paramref name="settings"/>: console logging at the configured level (journald's format
    /// and priorities under systemd; warnings and errors on standard error otherwise), the systemd lifetime
    /// (<c>Type=notify</c>, stop on SIGTERM) when systemd started the program, and the device service.
    /// Callers may add services (a log provider, a notifier) before building.
    /// </summary>
    /// <param name="settings">What the run does.</param>
    /// <param name="environment">Reads an environment variable (for <see cref="LogLevelVariable"/>).</param>
    /// <exception cref="InvalidSettingException">The log level in the environment is not a known level.</exception>
    public static HostApplicationBuilder CreateBuilder(DeviceServiceSettings settings, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var level = ResolveLogLevel(settings.Device, environment);

        // No defaults: no appsettings.json, no command-line or environment configuration beside device.json.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(level);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Warning);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        // The service logs what it runs; the lifetime's "Application started" lines would only repeat it.
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.AddSystemd();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<DeviceService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeviceService>());
        return builder;
    }

    /// <summary>The log level: <see cref="LogLevelVariable"/> when set, else <c>logging.level</c> of device.json.</summary>
    /// <param name="options">The configuration.</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <exception cref="InvalidSettingException">The variable holds no known level (the message lists them).</exception>
    public static LogLevel ResolveLogLevel(DeviceOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var text = environment(LogLevelVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return (LogLevel)options.Logging.Level;
        }

        var names = Enum.GetNames<DeviceLogLevel>();
        var match = names.FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase));
        return match is not null
            ? (LogLevel)Enum.Parse<DeviceLogLevel>(match)
            : throw new InvalidSettingException(LogLevelVariable, $"expected one of {string.Join(", ", names.Select(n => n.ToLowerInvariant()))}, got \"{text}\".");
    }
}
