// Inspects a folder of images with an EdgeTransfer bundle and writes one line per part to a PLC-like output file,
// "frame;reject;class" (reject 1 means: push the part off the line). docs/embedding.md explains each step.
using EdgeTransfer.Hosting;
using EdgeTransfer.Runtime.Capture;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: EmbeddedInspection <bundle folder> <image folder> <output file>");
    return 2;
}

var builder = Host.CreateApplicationBuilder();
builder.Services.AddEdgeTransferDevice(device =>
{
    device.Device.Bundle.Path = args[0];
    device.Device.Store.Path = "state"; // what the device learns, beside the application
    device.Source = () => new FolderReplaySource(new FolderReplayOptions { Directory = args[1], Loop = false });
});
using var app = builder.Build();
var inspection = app.Services.GetRequiredService<IInspectionDevice>();
var verdicts = inspection.ReadVerdictsAsync();
await app.StartAsync();
await using (var plc = new StreamWriter(args[2]))
{
    await foreach (var verdict in verdicts)
    {
        await plc.WriteLineAsync($"{verdict.FrameId};{(verdict.Rejects ? 1 : 0)};{verdict.ClassName}");
    }
}

await app.StopAsync();
return inspection.State == InspectionDeviceState.Failed ? 1 : 0;
