using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Configuration;

/// <summary>The committed device profiles (devices/*/device.json) must be valid configurations.</summary>
public class DeviceProfileTests
{
    public static TheoryData<string> Profiles => new(["raspberry-pi-5", "jetson-orin-nano", "windows-iot", "linux-x64"]);

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Profile_DeviceJson_ParsesAndValidates(string profile)
    {
        // Given the committed device.json of the profile
        var path = Path.Combine(PretrainedModels.RepositoryRoot, "devices", profile, "device.json");

        var json = File.ReadAllText(path);
        if (profile == "windows-iot" && !OperatingSystem.IsWindows())
        {
            // DirectML exists only on Windows: elsewhere the profile must be refused for exactly that reason.
            var refused = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Parse(json, "device.json", Path.GetDirectoryName(path)));
            Assert.Contains("executionProvider.kind", refused.Message, StringComparison.Ordinal);
            Assert.Contains("only on Windows", refused.Message, StringComparison.Ordinal);
            json = json.Replace("\"directml\"", "\"cpu\"", StringComparison.Ordinal);
        }

        // When it is parsed (files such as the CA and password exist only on the device)
        var options = DeviceConfigFile.Parse(json, $"devices/{profile}/device.json", Path.GetDirectoryName(path), checkFiles: false);

        // Then it is valid and names its device
        Assert.False(string.IsNullOrWhiteSpace(options.Device.Id));
        Assert.Empty(DeviceOptionsValidator.FindProblems(options));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Profile_HasAServiceDefinitionAndAReadme(string profile)
    {
        var folder = Path.Combine(PretrainedModels.RepositoryRoot, "devices", profile);
        Assert.True(File.Exists(Path.Combine(folder, "README.md")));
        Assert.True(File.Exists(Path.Combine(folder, "edgetransfer-device.service")) || profile == "windows-iot");
    }
}
