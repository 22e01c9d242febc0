using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Runtime.Tests.Configuration;

public class DeviceConfigFileTests
{
    private static readonly string[] Classes = ["good", "scratch", "dent"];

    // (json, the setting the error must name, a piece of the reason that says expected and actual)
    public static TheoryData<string, string, string> Mistakes => new()
    {
        // Not JSON at all, or not an object
        { "{\n  \"training\": {\n    \"epochs\": 30\n    \"batchSize\": 32\n  }\n}", "device.json", "is not valid JSON at line 4, column 5" },
        { "{\n  \"training\": { \"epochs\": 30, },\n}", "device.json", "is not valid JSON at line 2" },
        { "  \n", "device.json", "the file is empty; write {}" },
        { "[1, 2]", "device.json", "expected a section { … }, got a list" },
        // Unknown keys, with the key meant
        { "{ \"trainig\": {} }", "device.json: trainig", "is not a known key (did you mean \"training\"?)" },
        { "{ \"training\": { \"epoch\": 30 } }", "device.json: training.epoch", "(did you mean \"epochs\"?)" },
        { "{ \"mqtt\": { \"outbox\": { \"maxMessage\": 5 } } }", "device.json: mqtt.outbox.maxMessage", "(did you mean \"maxMessages\"?)" },
        { "{ \"training\": {}, \"training\": {} }", "device.json: training", "appears twice" },
        // Wrong types
        { "{ \"training\": { \"epochs\": \"30\" } }", "device.json: training.epochs", "expected a whole number, got \"30\"" },
        { "{ \"training\": { \"batchSize\": 32.5 } }", "device.json: training.batchSize", "expected a whole number, got 32.5" },
        { "{ \"training\": { \"maxStoreBytes\": 1e30 } }", "device.json: training.maxStoreBytes", "expected a whole number, got 1e30" },
        { "{ \"training\": null }", "device.json: training", "expected a section { … }, got null" },
        { "{ \"inspection\": { \"goodClass\": null } }", "device.json: inspection.goodClass", "expected a text in quotes, got null" },
        { "{ \"executionProvider\": { \"allowSpinning\": \"no\" } }", "device.json: executionProvider.allowSpinning", "expected true or false, got \"no\"" },
        { "{ \"inspection\": { \"defectClasses\": \"dent\" } }", "device.json: inspection.defectClasses", "expected a list [ … ] of texts in quotes" },
        // Enumerations
        { "{ \"executionProvider\": { \"kind\": \"gpu\" } }", "device.json: executionProvider.kind", "expected one of \"cpu\", \"cuda\", \"directml\", got \"gpu\"" },
        { "{ \"trigger\": { \"kind\": \"freerunning\" } }", "device.json: trigger.kind", "got \"freerunning\" (did you mean \"free-running\"?)" },
        { "{ \"trigger\": { \"kind\": \"gpio\", \"gpio\": { \"pin\": 17, \"edge\": \"up\" } } }", "device.json: trigger.gpio.edge", "expected one of \"rising\", \"falling\", got \"up\"" },
        { "{ \"source\": { \"camera\": { \"pixelFormat\": \"YUYV\" } } }", "device.json: source.camera.pixelFormat", "(did you mean \"yuyv\"?)" },
        // Ranges
        { "{ \"training\": { \"epochs\": 0 } }", "device.json: training.epochs", "expected a whole number from 1 to 10000, got 0" },
        { "{ \"training\": { \"learningRate\": -0.1 } }", "device.json: training.learningRate", "expected a number above 0 and at most 10, got -0.1" },
        { "{ \"training\": { \"validationFraction\": 0.9 } }", "device.json: training.validationFraction", "from 0.05 to 0.5 of the samples held out for validation, got 0.9" },
        { "{ \"training\": { \"keepHeads\": 1 } }", "device.json: training.keepHeads", "expected a whole number from 2 to 1000" },
        { "{ \"training\": { \"marginToPromote\": 5 } }", "device.json: training.marginToPromote", "from -1 to 1, got 5" },
        { "{ \"training\": { \"maxStoreBytes\": 1000 } }", "device.json: training.maxStoreBytes", "(1 MiB to 1 TiB), got 1000" },
        { "{ \"training\": { \"augmentation\": { \"views\": 0 } } }", "device.json: training.augmentation.views", "expected 1 to 16 views per labelled frame, got 0" },
        { "{ \"training\": { \"augmentation\": { \"crop\": 0.7 } } }", "device.json: training.augmentation.crop", "from 0 to 0.5, got 0.7" },
        { "{ \"training\": { \"augmentation\": { \"enabled\": true, \"flip\": false, \"crop\": 0, \"brightness\": 0 } } }", "device.json: training.augmentation.enabled", "every view would repeat the frame" },
        { "{ \"executionProvider\": { \"intraOpThreads\": 1000 } }", "device.json: executionProvider.intraOpThreads", "from 0 to 256 (0 lets ONNX Runtime use one per core), got 1000" },
        { "{ \"mqtt\": { \"port\": 70000 } }", "device.json: mqtt.port", "from 1 to 65535, got 70000" },
        { "{ \"mqtt\": { \"telemetryIntervalSeconds\": 0 } }", "device.json: mqtt.telemetryIntervalSeconds", "from 1 to 86400, got 0" },
        { "{ \"mqtt\": { \"outbox\": { \"maxBytes\": 100 } } }", "device.json: mqtt.outbox.maxBytes", "(64 KiB to 16 GiB), got 100" },
        { "{ \"trigger\": { \"freeRunning\": { \"fps\": 0 } } }", "device.json: trigger.freeRunning.fps", "above 0 and at most 1000, got 0" },
        { "{ \"inspection\": { \"thresholds\": { \"scratch\": 1.5 } } }", "device.json: inspection.thresholds.scratch", "expected a probability from 0 to 1, got 1.5" },
        { "{ \"inspection\": { \"defaultThreshold\": -1 } }", "device.json: inspection.defaultThreshold", "expected a probability from 0 to 1, got -1" },
        // Combinations and formats
        { "{ \"trigger\": { \"kind\": \"gpio\" } }", "device.json: trigger.gpio.pin", "when trigger.kind is \"gpio\", got none" },
        { "{ \"reject\": { \"kind\": \"gpio\" } }", "device.json: reject.gpio.pin", "when reject.kind is \"gpio\", got none" },
        { "{ \"trigger\": { \"kind\": \"gpio\", \"gpio\": { \"pin\": 17 } }, \"reject\": { \"kind\": \"gpio\", \"gpio\": { \"pin\": 17 } } }", "device.json: reject.gpio.pin", "got 17, which is also trigger.gpio.pin on chip 0" },
        { "{ \"reject\": { \"kind\": \"gpio\", \"gpio\": { \"pin\": 27, \"pulseMs\": 0 } } }", "device.json: reject.gpio.pulseMs", "from 1 to 10000, got 0" },
        { "{ \"source\": { \"kind\": \"folder\" } }", "device.json: source.folder.path", "expected the image folder to replay when source.kind is \"folder\", got none" },
        { "{ \"source\": { \"camera\": { \"device\": \"video0\" } } }", "device.json: source.camera.device", "such as \"/dev/video0\", got \"video0\"" },
        { "{ \"source\": { \"camera\": { \"width\": 641 } } }", "device.json: source.camera.width", "expected an even width for \"yuyv\"" },
        { "{ \"source\": { \"kind\": \"synthetic\", \"synthetic\": { \"classes\": [] } } }", "device.json: source.synthetic.classes", "got an empty list" },
        { "{ \"inspection\": { \"defectClasses\": [\"dent\", \"good\"] } }", "device.json: inspection.defectClasses", "it lists \"good\", the good class" },
        { "{ \"inspection\": { \"defectClasses\": [\"dent\", \"dent\"] } }", "device.json: inspection.defectClasses[1]", "got \"dent\" twice" },
        { "{ \"inspection\": { \"thresholds\": { \"good\": 0.5 } } }", "device.json: inspection.thresholds.good", "\"good\" is the good class" },
        { "{ \"mqtt\": { \"host\": \"mqtt://broker:1883\" } }", "device.json: mqtt.host", "(no scheme, port or path), got \"mqtt://broker:1883\"" },
        { "{ \"mqtt\": { \"passwordFile\": \"mqtt.pass\" } }", "device.json: mqtt.passwordFile", "expected mqtt.username to be set as well" },
        { "{ \"mqtt\": { \"tls\": { \"clientCert\": \"device.crt\" } } }", "device.json: mqtt.tls.clientKey", "together (mutual TLS needs both), got only one" },
        { "{ \"device\": { \"id\": \"line 3/cam#1\" } }", "device.json: device.id", "(it becomes an MQTT topic level), got \"line 3/cam#1\"" },
        { "{ \"device\": { \"fleet\": \"\" } }", "device.json: device.fleet", "got \"\"" },
        { "{ \"store\": { \"path\": \" \" } }", "device.json: store.path", "expected a directory path" },
        { "{ \"bundle\": { \"int8Activations\": [] } }", "device.json: bundle.int8Activations", "expected at least one of \"uint8\", \"int8\", or no key at all for any, got an empty list" },
        { "{ \"bundle\": { \"int8Activations\": [\"UINT8\"] } }", "device.json: bundle.int8Activations[0]", "got \"UINT8\" (did you mean \"uint8\"?)" },
        { "{ \"bundle\": { \"int8Activations\": [\"int8\", \"int8\"] } }", "device.json: bundle.int8Activations[1]", "got \"int8\" twice" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Parse_RejectsTheMistake_NamingTheKeyAndWhy(string json, string setting, string reason)
    {
        // Given a device.json with one mistake
        // When it is parsed
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Parse(json));

        // Then the error names the key as written and says what was expected and what was found
        Assert.Equal(setting, error.Setting);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.StartsWith(setting + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PointsAtTheLineOfABadValue()
    {
        // Given a bad value on line 4
        var json = "{\n  \"training\": {\n    \"batchSize\": 32,\n    \"epochs\": 0\n  }\n}";

        // When it is parsed
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Parse(json));

        // Then the reason says where
        Assert.Equal("device.json: training.epochs", error.Setting);
        Assert.EndsWith("got 0 (line 4, column 5).", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OfAnEmptyObject_TakesEveryDefault()
    {
        // When {} is parsed
        var options = DeviceConfigFile.Parse("{}");

        // Then every default is there and valid
        Assert.Equal(ExecutionProviderKind.Cpu, options.ExecutionProvider.Kind);
        Assert.False(options.ExecutionProvider.AllowSpinning);
        Assert.Equal(SourceKind.Camera, options.Source.Kind);
        Assert.Equal("/dev/video0", options.Source.Camera.Device);
        Assert.Equal(TriggerKind.FreeRunning, options.Trigger.Kind);
        Assert.Equal(RejectKind.None, options.Reject.Kind);
        Assert.Equal("good", options.Inspection.GoodClass);
        Assert.Equal(30, options.Training.Epochs);
        Assert.Equal(5, options.Training.KeepHeads);
        Assert.Equal(1883, options.Mqtt.Port);
        Assert.Null(options.Mqtt.Tls);
        Assert.Empty(DeviceOptionsValidator.FindProblems(options));
    }

    [Fact]
    public void Parse_OfAFullFile_ReadsEverySection()
    {
        // Given a file that sets every section, with comments
        var json = """
            // line 3, camera 1
            {
              "device": { "id": "line3-cam1", "fleet": "plant-a" },
              "bundle": { "path": "/var/lib/edgetransfer/bundle" },
              "executionProvider": { "kind": "cuda", "intraOpThreads": 2, "allowSpinning": true },
              "source": { "kind": "synthetic", "synthetic": { "classes": ["good", "dent"], "seed": 7, "rate": 2.5 } },
              "trigger": { "kind": "gpio", "gpio": { "chip": 4, "pin": 17, "edge": "falling", "debounceMs": 5 } },
              "reject": { "kind": "gpio", "gpio": { "chip": 4, "pin": 27, "pulseMs": 120, "activeHigh": false } },
              "inspection": { "goodClass": "good", "defectClasses": ["scratch", "dent"], "thresholds": { "scratch": 0.6, "dent": 0.4 }, "defaultThreshold": 0.5 },
              "training": { "epochs": 40, "batchSize": 16, "learningRate": 0.01, "validationFraction": 0.25, "earlyStoppingPatience": 3,
                            "marginToPromote": 0.01, "minValidationSamples": 12, "minValidationSamplesPerClass": 3,
                            "keepHeads": 3, "maxStoreBytes": 104857600, "maxPerClass": 200 },
              "store": { "path": "/var/lib/edgetransfer/state" },
              "mqtt": { "host": "broker.plant.local", "port": 8883, "tls": { "caFile": "/etc/ssl/ca.pem" },
                        "username": "line3", "telemetryIntervalSeconds": 10, "outbox": { "maxMessages": 500, "maxBytes": 1048576 } }
            }
            """;

        // When it is parsed
        var o = DeviceConfigFile.Parse(json);
        DeviceOptionsValidator.ValidateAgainstClasses(o, Classes);

        // Then every value is read, and the training section maps onto the gate, the registry and the store
        Assert.Equal("line3-cam1", o.Device.Id);
        Assert.Equal(ExecutionProviderKind.Cuda, o.ExecutionProvider.Kind);
        Assert.Equal(["good", "dent"], o.Source.Synthetic.Classes!);
        Assert.Equal(GpioEdge.Falling, o.Trigger.Gpio.Edge);
        Assert.Equal(27, o.Reject.Gpio.Pin);
        Assert.False(o.Reject.Gpio.ActiveHigh);
        Assert.Equal(0.6, o.Inspection.Thresholds["scratch"]);
        Assert.Equal(0.01, o.Training.ToQualityGateOptions().Margin);
        Assert.Equal(3, o.Training.ToQualityGateOptions().MinValidationSamplesPerClass);
        Assert.Equal(3, o.Training.ToHeadRegistryOptions().KeepHeads);
        Assert.Equal(200, o.Training.ToSampleStoreOptions().MaxPerClass);
        Assert.Equal(Path.Combine("/var/lib/edgetransfer/state", "heads"), o.Store.HeadsPath);
        Assert.Equal("/etc/ssl/ca.pem", o.Mqtt.Tls!.CaFile);
        Assert.Equal(1048576, o.Mqtt.Outbox.MaxBytes);
    }

    [Fact]
    public void ToJson_ThenParse_GivesTheSameOptions()
    {
        var options = DeviceConfigFile.Parse("""{ "trigger": { "kind": "gpio", "gpio": { "pin": 5 } }, "training": { "epochs": 12 } }""");
        var again = DeviceConfigFile.Parse(DeviceConfigFile.ToJson(options));
        Assert.Equal(DeviceConfigFile.ToJson(options), DeviceConfigFile.ToJson(again));
        Assert.Contains("\"free-running\"", DeviceConfigFile.ToJson(new DeviceOptions()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "inspection": { "goodClass": "Good" } }""", "device.json: inspection.goodClass", "got \"Good\" (did you mean \"good\"?)")]
    [InlineData("""{ "inspection": { "thresholds": { "scrach": 0.5 } } }""", "device.json: inspection.thresholds.scrach", "(did you mean \"scratch\"?)")]
    [InlineData("""{ "inspection": { "defectClasses": ["dent", "crack"] } }""", "device.json: inspection.defectClasses[1]", "expected a class of the bundle (good, scratch, dent), got \"crack\"")]
    [InlineData("""{ "source": { "kind": "synthetic", "synthetic": { "classes": ["bent"] } } }""", "device.json: source.synthetic.classes[0]", "(did you mean \"dent\"?)")]
    public void ValidateAgainstClasses_RejectsClassNamesTheBundleDoesNotHave(string json, string setting, string reason)
    {
        var options = DeviceConfigFile.Parse(json);
        var error = Assert.Throws<InvalidSettingException>(() => DeviceOptionsValidator.ValidateAgainstClasses(options, Classes));
        Assert.Equal(setting, error.Setting);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateAgainstClasses_AcceptsASortingLine_WithNoDefectClasses()
    {
        // Given a sorting line's inspection section for a bundle that has no "good" class
        var options = DeviceConfigFile.Parse("""{ "inspection": { "defectClasses": [] } }""");

        // When it is validated against the bundle's classes, then nothing is refused
        DeviceOptionsValidator.ValidateAgainstClasses(options, ["bolt", "nut", "washer"]);
        Assert.Empty(options.Inspection.DefectClasses!);
    }

    [Fact]
    public void Load_ResolvesRelativePathsAgainstTheFilesDirectory()
    {
        // Given a device.json with relative paths and the files they name
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("replay"));
        File.WriteAllText(temp.Combine("ca.pem"), "-----BEGIN CERTIFICATE-----");
        var path = temp.Combine("device.json");
        File.WriteAllText(path, """{ "source": { "kind": "folder", "folder": { "path": "replay" } }, "mqtt": { "tls": { "caFile": "ca.pem" } } }""");

        // When it is loaded
        var options = DeviceConfigFile.Load(path);

        // Then the paths are absolute, under the file's directory
        Assert.Equal(temp.Combine("replay"), options.Source.Folder.Path);
        Assert.Equal(temp.Combine("bundle"), options.Bundle.Path);
        Assert.Equal(temp.Combine("state", "samples"), options.Store.SamplesPath);
        Assert.Equal(temp.Combine("ca.pem"), options.Mqtt.Tls!.CaFile);
    }

    [Fact]
    public void Load_OfAMissingFile_SaysWhereItLooked()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Load(temp.Combine("device.json")));
        Assert.Equal("device.json", error.Setting);
        Assert.Contains(temp.Combine("device.json"), error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsAReplayFolderThatDoesNotExist()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("device.json");
        File.WriteAllText(path, """{ "source": { "kind": "folder", "folder": { "path": "nowhere" } } }""");
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Load(path));
        Assert.Equal("device.json: source.folder.path", error.Setting);
        Assert.Contains("does not exist", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsATlsFileThatDoesNotExist()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("device.json");
        File.WriteAllText(path, """{ "mqtt": { "tls": { "caFile": "missing-ca.pem" } } }""");
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Load(path));
        Assert.Equal("device.json: mqtt.tls.caFile", error.Setting);
        Assert.Contains(temp.Combine("missing-ca.pem"), error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RejectsAPasswordFileEveryUserCanRead()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // Given a password file with mode 644
        using var temp = new TempDirectory();
        var secret = temp.Combine("mqtt.pass");
        File.WriteAllText(secret, "hunter2");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var path = temp.Combine("device.json");
        File.WriteAllText(path, """{ "mqtt": { "username": "line3", "passwordFile": "mqtt.pass" } }""");

        // When the configuration is loaded
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Load(path));

        // Then it is refused, saying how to fix it
        Assert.Equal("device.json: mqtt.passwordFile", error.Setting);
        Assert.Contains("chmod 600", error.Reason, StringComparison.Ordinal);
        Assert.Contains("mode 644", error.Reason, StringComparison.Ordinal);

        // And with mode 600 it is accepted
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(secret, DeviceConfigFile.Load(path).Mqtt.PasswordFile);
    }

    [Fact]
    public void Load_RejectsBytesThatAreNotUtf8()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("device.json");
        File.WriteAllBytes(path, [(byte)'{', 0xC3, 0x28, (byte)'}']);
        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Load(path));
        Assert.Equal("device.json", error.Setting);
        Assert.Contains("not UTF-8", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RejectsDirectMLOnLinux()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var error = Assert.Throws<InvalidSettingException>(() => DeviceConfigFile.Parse("""{ "executionProvider": { "kind": "directml" } }"""));
        Assert.Equal("device.json: executionProvider.kind", error.Setting);
        Assert.Contains("only on Windows", error.Reason, StringComparison.Ordinal);
    }
}
