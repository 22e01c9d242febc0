using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Devices.Tests.Lines;

// A profile's device.json names GPIO chip lines; on a machine without libgpiod (found running the shipped linux-x64
// profile on a CI machine) or without the chip, the driver's own exception used to end the program with a stack trace.
public sealed class GpioChipErrorTests
{
    // No machine this runs on has a chip 63 (the highest device.json accepts), with or without libgpiod.
    private const int MissingChip = 63;

    [LinuxFact]
    public void Trigger_OnAChipThatCannotBeOpened_IsRefusedNamingTheKeyAndTheRemedy() =>
        AssertRefused("trigger", options => LineFactory.CreateTrigger(options));

    [LinuxFact]
    public void RejectLine_OnAChipThatCannotBeOpened_IsRefusedNamingTheKeyAndTheRemedy() =>
        AssertRefused("reject", options => LineFactory.CreateRejectLine(options));

    private static void AssertRefused(string section, Func<DeviceOptions, object?> open)
    {
        var options = DeviceConfigFile.Parse($$"""{ "{{section}}": { "kind": "gpio", "gpio": { "chip": {{MissingChip}}, "pin": 17 } } }""");

        var error = Assert.Throws<InvalidSettingException>(() => open(options));

        Assert.Equal($"device.json: {section}.gpio", error.Setting);
        Assert.Contains($"GPIO chip {MissingChip}", error.Message, StringComparison.Ordinal);
        Assert.Matches("libgpiod is not installed|gpioinfo", error.Message);
    }
}
