using EdgeTransfer.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// The namespace of IServiceCollection, as for Microsoft's own Add… extensions: no extra using in Program.cs.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the EdgeTransfer device runtime in an application's services.</summary>
public static class EdgeTransferServiceCollectionExtensions
{
    /// <summary>
    /// Adds an <see cref="EdgeTransferDevice"/> (also as <see cref="IInspectionDevice"/>) that starts and stops with the
    /// host. Its options are checked when the host starts (<c>ValidateOnStart</c>); a device that cannot open its bundle
    /// stops the application with exit code 1 and one log line saying why.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets the options: <c>ConfigFile</c>, or <c>Device</c> (bundle and state directory at least); a frame source of the application's own.</param>
    /// <returns>The options builder, for further configuration from services (<c>Configure&lt;TDep&gt;</c>).</returns>
    public static OptionsBuilder<EdgeTransferDeviceOptions> AddEdgeTransferDevice(this IServiceCollection services, Action<EdgeTransferDeviceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EdgeTransferDeviceOptions>, EdgeTransferDeviceOptionsValidator>());
        services.TryAddSingleton(sp => new EdgeTransferDevice(
            sp.GetRequiredService<IOptions<EdgeTransferDeviceOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IInspectionDevice>(sp => sp.GetRequiredService<EdgeTransferDevice>());
        services.AddHostedService<EdgeTransferDeviceService>();
        return services.AddOptions<EdgeTransferDeviceOptions>().Configure(configure).ValidateOnStart();
    }
}
