using System.CommandLine;
using EdgeTransfer.Device.Hosting;
using EdgeTransfer.Mqtt.Client;
using EdgeTransfer.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeTransfer.Device.Commands;

/// <summary>
/// <c>edgetransfer-device run</c>: inspect until stopped (the service's command), as a hosted
/// <see cref="DeviceService"/>. With MQTT on — device.json has an <c>mqtt</c> section without <c>"enabled": false</c>,
/// or <c>--broker</c> is given — the device agent reports to the broker and takes fleet commands; SIGTERM publishes
/// the retained <c>offline</c> status before the program ends.
/// </summary>
internal static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var seconds = new Option<int?>("--seconds") { Description = "Stop after this many seconds (default: until SIGINT/SIGTERM)." };
        var every = new Option<int>("--print-every") { Description = "Print every N-th verdict.", DefaultValueFactory = _ => 25 };
        var broker = new Option<string?>("--broker") { Description = "Report to this MQTT broker (host:port), overriding mqtt.host and mqtt.port; turns MQTT on." };
        var noMqtt = new Option<bool>("--no-mqtt") { Description = "Do not connect to the broker even if device.json configures one." };
        var command = new Command("run", "Capture, inspect and drive the reject line until stopped; report to the fleet over MQTT when configured.") { seconds, every, broker, noMqtt };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configured = DeviceConfigFile.Load(parse.GetValue(DeviceCli.ConfigOption)!);
            if (parse.GetValue(broker) is { } endpoint)
            {
                (configured.Mqtt.Host, configured.Mqtt.Port) = BrokerAddress.Parse(endpoint, "--broker");
                configured.Mqtt.Enabled = true;
            }

            var settings = new DeviceServiceSettings
            {
                Device = configured,
                Mqtt = configured.Mqtt.IsEnabled && !parse.GetValue(noMqtt),
                Output = output,
                Error = error,
                PrintEvery = parse.GetValue(every),
                StopAfter = parse.GetValue(seconds) is { } limit ? TimeSpan.FromSeconds(limit) : null,
            };

            // The host's lifetime owns SIGINT/SIGTERM from here: it stops the service, which prints the summary.
            using var host = DeviceServiceHost.CreateBuilder(settings, Environment.GetEnvironmentVariable).Build();
            var service = host.Services.GetRequiredService<DeviceService>();
            await host.RunAsync(cancellationToken); // disposes the host's services when it returns
            service.Failure?.Throw();
            return DeviceExitCodes.Success;
        });
        return command;
    }
}
