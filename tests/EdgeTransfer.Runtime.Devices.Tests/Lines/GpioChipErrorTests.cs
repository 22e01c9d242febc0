using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Hosting;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Devices.Tests.Lines;

// A profile's device.json names GPIO chip lines; on a machine without libgpiod (found on a CI machine running the
// Raspberry Pi profile) or without the chip, the driver's own exception used to end the program with a stack trace.
public sealed class GpioChipErrorTests
{
    // No machine this runs on has a chip 63 (the highest device.json accepts), with or without libgpiod, so the open fails everywhere the test runs.
    private const int MissingChip = 63;

    [LinuxFact]
    public void Trigger_OnAChipThatCannotBeOpened_IsRefusedNamingTheKeyAndTheRemedy()
    {
        var options = DeviceConfigFile.Parse($$"""{ "trigger": { "kind": "gpio", "gpio": { "chip": {{MissingChip}}, "pin": 17 } } }""");

        var error = Assert.Throws<InvalidSettingException>(() => LineFactory.CreateTrigger(options));

        Assert.Equal("device.json: trigger.gpio", error.Setting);
        Assert.Contains($"GPIO chip {MissingChip}", error.Message, StringComparison.Ordinal);
        Assert.Matches("libgpiod is not installed|gpioinfo", error.Message);
    }

    [LinuxFact]
    public void RejectLine_OnAChipThatCannotBeOpened_IsRefusedNamingTheKeyAndTheRemedy()
    {
        var options = DeviceConfigFile.Parse($$"""{ "reject": { "kind": "gpio", "gpio": { "chip": {{MissingChip}}, "pin": 27 } } }""");

        var error = Assert.Throws<InvalidSettingException>(() => LineFactory.CreateRejectLine(options));

        Assert.Equal("device.json: reject.gpio", error.Setting);
        Assert.Contains($"GPIO chip {MissingChip}", error.Message, StringComparison.Ordinal);
        Assert.Matches("libgpiod is not installed|gpioinfo", error.Message);
    }
}
