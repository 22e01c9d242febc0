using System.Globalization;
using EdgeTransfer.Artifacts.Text;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>
/// Checks <see cref="DeviceOptions"/>: ranges, combinations (a GPIO trigger needs a pin, a password file needs a
/// user name …), the files it names, and, once the bundle is known, the class names. Every problem names the
/// key as written in <c>device.json</c> and says what was expected and what was found.
/// </summary>
internal static class DeviceOptionsValidator
{
    /// <summary>The largest intra-op thread count accepted.</summary>
    public const int MaxThreads = 256;

    /// <summary>Throws <see cref="InvalidSettingException"/> for the first problem, its setting named <c>{source}: {key}</c>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="source">The file name used in the setting (<c>device.json</c>).</param>
    /// <param name="checkFiles">Whether to check that the files named exist and that secrets are not readable by other users.</param>
    public static void Validate(DeviceOptions options, string source = DeviceConfigFile.DefaultFileName, bool checkFiles = false)
    {
        var problems = FindProblems(options, checkFiles);
        if (problems.Count > 0)
        {
            throw new InvalidSettingException($"{source}: {problems[0].Key}", problems[0].Reason);
        }
    }

    /// <summary>
    /// Throws <see cref="InvalidSettingException"/> when the class names of the <c>inspection</c> and <c>source.synthetic</c>
    /// sections are not classes of the bundle.
    /// </summary>
    /// <param name="options">Options already checked by <see cref="Validate"/>.</param>
    /// <param name="classes">The bundle's class names.</param>
    /// <param name="source">The file name used in the setting (<c>device.json</c>).</param>
    public static void ValidateAgainstClasses(DeviceOptions options, IReadOnlyList<string> classes, string source = DeviceConfigFile.DefaultFileName)
    {
        var problems = FindClassProblems(options, classes);
        if (problems.Count > 0)
        {
            throw new InvalidSettingException($"{source}: {problems[0].Key}", problems[0].Reason);
        }
    }

    /// <summary>Every problem of <paramref name="options"/>, in file order; empty when they can be used.</summary>
    /// <param name="options">The options.</param>
    /// <param name="checkFiles">Whether to check that the files named exist and that secrets are not readable by other users.</param>
    public static IReadOnlyList<SettingProblem> FindProblems(DeviceOptions options, bool checkFiles = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<SettingProblem>();
        void Add(string key, string reason) => problems.Add(new SettingProblem(key, reason));

        CheckId(options.Device.Id, "device.id", Add);
        CheckId(options.Device.Fleet, "device.fleet", Add);
        CheckPath(options.Bundle.Path, "bundle.path", Add);
        BundleOptionsChecks.Check(options.Bundle, Add);

        var ep = options.ExecutionProvider;
        Range(ep.IntraOpThreads, 0, MaxThreads, "executionProvider.intraOpThreads", Add, " (0 lets ONNX Runtime use one per core)");
        if (ep.Kind == ExecutionProviderKind.DirectML && !OperatingSystem.IsWindows())
        {
            Add("executionProvider.kind", $"\"directml\" runs only on Windows, and this device runs {OsName()}; use \"cpu\" or \"cuda\".");
        }

        CheckSource(options.Source, checkFiles, Add);
        if (options.Source.Folder.Path is { } folder && folder.Any(char.IsControl))
        {
            // Checked whatever the source kind: the path is resolved against the file's folder either way.
            Add("source.folder.path", "expected a folder path, got a text with a control character (such as \\u0000) in it.");
        }

        CheckTrigger(options.Trigger, Add);
        CheckReject(options.Reject, options.Trigger, Add);
        CheckInspection(options.Inspection, Add);
        CheckTraining(options.Training, Add);
        CheckPath(options.Store.Path, "store.path", Add);
        CheckStoreApartFromBundle(options.Store.Path, options.Bundle.Path, Add);
        CheckMqtt(options.Mqtt, checkFiles, Add);
        return problems;
    }

    /// <summary>Every class name of <paramref name="options"/> that is not a class of the bundle; empty when all are.</summary>
    /// <param name="options">The options.</param>
    /// <param name="classes">The bundle's class names.</param>
    public static IReadOnlyList<SettingProblem> FindClassProblems(DeviceOptions options, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(classes);
        var problems = new List<SettingProblem>();
        var known = classes.ToHashSet(StringComparer.Ordinal);
        var list = string.Join(", ", classes);
        void Unknown(string key, string name) =>
            problems.Add(new SettingProblem(key, $"expected a class of the bundle ({list}), got \"{name}\"{NameSuggestions.DidYouMean(name, classes)}."));

        var inspection = options.Inspection;
        var sorting = inspection.DefectClasses is { Count: 0 };
        if (!sorting && !known.Contains(inspection.GoodClass))
        {
            Unknown("inspection.goodClass", inspection.GoodClass);
        }

        for (var i = 0; i < (inspection.DefectClasses?.Count ?? 0); i++)
        {
            if (!known.Contains(inspection.DefectClasses![i]))
            {
                Unknown($"inspection.defectClasses[{i}]", inspection.DefectClasses[i]);
            }
        }

        foreach (var name in inspection.Thresholds.Keys.Where(k => !known.Contains(k)))
        {
            Unknown($"inspection.thresholds.{name}", name);
        }

        if (inspection.DefectClasses is null && known.Contains(inspection.GoodClass) && classes.Count < 2)
        {
            problems.Add(new SettingProblem("inspection.goodClass", $"expected a bundle with at least one class besides \"{inspection.GoodClass}\", got only [{list}]."));
        }

        if (options.Source.Kind == SourceKind.Synthetic)
        {
            var synthetic = options.Source.Synthetic.Classes ?? [];
            for (var i = 0; i < synthetic.Count; i++)
            {
                if (!known.Contains(synthetic[i]))
                {
                    Unknown($"source.synthetic.classes[{i}]", synthetic[i]);
                }
            }
        }

        return problems;
    }

    private static void CheckSource(SourceOptions source, bool checkFiles, Action<string, string> add)
    {
        switch (source.Kind)
        {
            case SourceKind.Camera:
                var camera = source.Camera;
                if (string.IsNullOrWhiteSpace(camera.Device) || (!OperatingSystem.IsWindows() && !camera.Device.StartsWith("/dev/", StringComparison.Ordinal)))
                {
                    add("source.camera.device", $"expected a video device path such as \"/dev/video0\", got \"{camera.Device}\".");
                }

                Range(camera.Width, 16, 8192, "source.camera.width", add);
                Range(camera.Height, 16, 8192, "source.camera.height", add);
                if (camera.PixelFormat == PixelFormat.Yuyv && camera.Width % 2 != 0)
                {
                    add("source.camera.width", $"expected an even width for \"yuyv\" (two pixels share their colour), got {camera.Width}.");
                }

                break;
            case SourceKind.Folder:
                if (string.IsNullOrWhiteSpace(source.Folder.Path))
                {
                    add("source.folder.path", "expected the image folder to replay when source.kind is \"folder\", got none.");
                }
                else if (checkFiles && !Directory.Exists(source.Folder.Path))
                {
                    add("source.folder.path", $"expected an existing folder, but \"{source.Folder.Path}\" does not exist.");
                }

                break;
            case SourceKind.Synthetic:
                var synthetic = source.Synthetic;
                if (!double.IsFinite(synthetic.Rate) || synthetic.Rate <= 0 || synthetic.Rate > 1000)
                {
                    add("source.synthetic.rate", $"expected parts per second above 0 and at most 1000, got {F(synthetic.Rate)}.");
                }

                CheckNameList(synthetic.Classes, "source.synthetic.classes", add);
                break;
        }
    }

    private static void CheckTrigger(TriggerOptions trigger, Action<string, string> add)
    {
        if (trigger.Kind == TriggerKind.FreeRunning)
        {
            var fps = trigger.FreeRunning.Fps;
            if (!double.IsFinite(fps) || fps <= 0 || fps > 1000)
            {
                add("trigger.freeRunning.fps", $"expected frames per second above 0 and at most 1000, got {F(fps)}.");
            }

            return;
        }

        var gpio = trigger.Gpio;
        Range(gpio.Chip, 0, 63, "trigger.gpio.chip", add);
        if (gpio.Pin is not { } pin)
        {
            add("trigger.gpio.pin", "expected the GPIO line of the light barrier (0 to 1023) when trigger.kind is \"gpio\", got none.");
        }
        else
        {
            Range(pin, 0, 1023, "trigger.gpio.pin", add);
        }

        Range(gpio.DebounceMs, 0, 10_000, "trigger.gpio.debounceMs", add);
    }

    private static void CheckReject(RejectOptions reject, TriggerOptions trigger, Action<string, string> add)
    {
        if (reject.Kind != RejectKind.Gpio)
        {
            return;
        }

        var gpio = reject.Gpio;
        Range(gpio.Chip, 0, 63, "reject.gpio.chip", add);
        if (gpio.Pin is not { } pin)
        {
            add("reject.gpio.pin", "expected the GPIO line of the ejector (0 to 1023) when reject.kind is \"gpio\", got none.");
        }
        else
        {
            Range(pin, 0, 1023, "reject.gpio.pin", add);
            if (trigger.Kind == TriggerKind.Gpio && trigger.Gpio.Pin == pin && trigger.Gpio.Chip == gpio.Chip)
            {
                add("reject.gpio.pin", $"expected an output line other than the trigger input, got {pin}, which is also trigger.gpio.pin on chip {gpio.Chip}.");
            }
        }

        Range(gpio.PulseMs, 1, 10_000, "reject.gpio.pulseMs", add);
    }

    private static void CheckInspection(InspectionOptions inspection, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(inspection.GoodClass))
        {
            add("inspection.goodClass", $"expected the name of the class of parts that pass, got \"{inspection.GoodClass}\".");
        }

        // An empty list is a sorting line: every class passes and the verdict names the most probable one.
        CheckNameList(inspection.DefectClasses, "inspection.defectClasses", add, allowEmpty: true);
        if (inspection.DefectClasses?.Contains(inspection.GoodClass, StringComparer.Ordinal) == true)
        {
            add("inspection.defectClasses", $"expected defect classes only, but it lists \"{inspection.GoodClass}\", the good class.");
        }

        foreach (var (name, threshold) in inspection.Thresholds)
        {
            if (name == inspection.GoodClass)
            {
                add($"inspection.thresholds.{name}", $"expected thresholds for defect classes only; \"{name}\" is the good class and never rejects a part.");
            }
            else if (!double.IsFinite(threshold) || threshold is < 0 or > 1)
            {
                add($"inspection.thresholds.{name}", $"expected a probability from 0 to 1, got {F(threshold)}.");
            }
        }

        if (!double.IsFinite(inspection.DefaultThreshold) || inspection.DefaultThreshold is < 0 or > 1)
        {
            add("inspection.defaultThreshold", $"expected a probability from 0 to 1, got {F(inspection.DefaultThreshold)}.");
        }

        AnomalyOptionsChecks.Check(inspection.Anomaly, add);
    }

    private static void CheckTraining(TrainingOptions training, Action<string, string> add)
    {
        Range(training.Epochs, 1, 10_000, "training.epochs", add);
        Range(training.BatchSize, 1, 4096, "training.batchSize", add);
        if (!double.IsFinite(training.LearningRate) || training.LearningRate <= 0 || training.LearningRate > 10)
        {
            add("training.learningRate", $"expected a number above 0 and at most 10, got {F(training.LearningRate)}.");
        }

        if (!double.IsFinite(training.ValidationFraction) || training.ValidationFraction is < 0.05 or > 0.5)
        {
            add("training.validationFraction", $"expected a fraction from 0.05 to 0.5 of the samples held out for validation, got {F(training.ValidationFraction)}.");
        }

        Range(training.EarlyStoppingPatience, 0, 10_000, "training.earlyStoppingPatience", add, " (0 turns early stopping off)");
        if (!double.IsFinite(training.MarginToPromote) || training.MarginToPromote is < -1 or > 1)
        {
            add("training.marginToPromote", $"expected an accuracy difference from -1 to 1, got {F(training.MarginToPromote)}.");
        }

        Range(training.MinValidationSamples, 1, 1_000_000, "training.minValidationSamples", add);
        Range(training.MinValidationSamplesPerClass, 0, 1_000_000, "training.minValidationSamplesPerClass", add);
        Range(training.KeepHeads, 2, 1000, "training.keepHeads", add, " (the head in service and the one before it are always kept)");
        Range(training.MaxStoreBytes, 1L << 20, 1L << 40, "training.maxStoreBytes", add, " (1 MiB to 1 TiB)");
        Range(training.MaxPerClass, 1, 10_000_000, "training.maxPerClass", add);
        if (training.Augmentation is null)
        {
            add("training.augmentation", "expected an object such as { \"enabled\": true, \"views\": 2 }, got null.");
        }
        else if (training.Augmentation.FindProblem() is { } problem)
        {
            add("training.augmentation." + problem.Property, problem.Reason + ".");
        }
    }

    private static void CheckMqtt(MqttOptions mqtt, bool checkFiles, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(mqtt.Host) || mqtt.Host.Length > 253 || mqtt.Host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '@'))
        {
            add("mqtt.host", $"expected a host name or address such as \"broker.plant.local\" or \"10.0.0.5\" (no scheme, port or path), got \"{mqtt.Host}\".");
        }

        Range(mqtt.Port, 1, 65535, "mqtt.port", add);
        Range(mqtt.TelemetryIntervalSeconds, 1, 86_400, "mqtt.telemetryIntervalSeconds", add);
        Range(mqtt.Outbox.MaxMessages, 1, 10_000_000, "mqtt.outbox.maxMessages", add);
        Range(mqtt.Outbox.MaxBytes, 64L << 10, 16L << 30, "mqtt.outbox.maxBytes", add, " (64 KiB to 16 GiB)");
        Range(mqtt.Events.Every, 0, 1_000_000, "mqtt.events.every", add, " (0 publishes only rejects)");
        if (mqtt.Username is { } user && (user.Length == 0 || user.Any(char.IsControl)))
        {
            add("mqtt.username", $"expected a user name without control characters, got \"{user}\".");
        }

        if (mqtt.PasswordFile is not null)
        {
            if (mqtt.Username is null)
            {
                add("mqtt.passwordFile", "expected mqtt.username to be set as well: a password without a user name is not sent.");
            }

            CheckFile(mqtt.PasswordFile, "mqtt.passwordFile", checkFiles, secret: true, add);
        }

        if (mqtt.Tls is { } tls)
        {
            if (tls.CaFile is not null)
            {
                CheckFile(tls.CaFile, "mqtt.tls.caFile", checkFiles, secret: false, add);
            }

            if ((tls.ClientCert is null) != (tls.ClientKey is null))
            {
                add(tls.ClientCert is null ? "mqtt.tls.clientCert" : "mqtt.tls.clientKey", "expected mqtt.tls.clientCert and mqtt.tls.clientKey together (mutual TLS needs both), got only one.");
            }

            if (tls.ClientCert is not null)
            {
                CheckFile(tls.ClientCert, "mqtt.tls.clientCert", checkFiles, secret: false, add);
            }

            if (tls.ClientKey is not null)
            {
                CheckFile(tls.ClientKey, "mqtt.tls.clientKey", checkFiles, secret: true, add);
            }
        }
    }

    private static void CheckFile(string path, string key, bool checkFiles, bool secret, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            add(key, "expected a file path, got an empty text.");
            return;
        }

        // A NUL or another control character makes every file API throw (ArgumentException) when the path is resolved.
        if (path.Any(char.IsControl))
        {
            add(key, "expected a file path, got a text with a control character (such as \\u0000) in it.");
            return;
        }

        if (!checkFiles)
        {
            return;
        }

        if (!File.Exists(path))
        {
            add(key, $"expected an existing file, but \"{path}\" does not exist.");
            return;
        }

        if (secret && !OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                add(key, $"expected a secret readable only by its owner (chmod 600), but \"{path}\" has mode {Convert.ToString((int)mode, 8)}, readable by every user.");
            }
        }
    }

    private static void CheckNameList(IReadOnlyList<string>? names, string key, Action<string, string> add, bool allowEmpty = false)
    {
        if (names is null)
        {
            return;
        }

        if (names.Count == 0 && !allowEmpty)
        {
            add(key, "expected at least one class name, or no key at all for every class, got an empty list.");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                add($"{key}[{i}]", $"expected a class name, got \"{names[i]}\".");
            }
            else if (!seen.Add(names[i]))
            {
                add($"{key}[{i}]", $"expected each class once, got \"{names[i]}\" twice.");
            }
        }
    }

    private static void CheckId(string id, string key, Action<string, string> add)
    {
        var ok = !string.IsNullOrEmpty(id) && id.Length <= 64 && char.IsAsciiLetterOrDigit(id[0])
            && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
        if (!ok)
        {
            // The id is an MQTT topic level: '/', '+', '#' and spaces would change which topics it names.
            add(key, $"expected 1 to 64 of the characters A–Z a–z 0–9 . _ - starting with a letter or digit (it becomes an MQTT topic level), got \"{id}\".");
        }
    }

    private static void CheckPath(string path, string key, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Any(char.IsControl))
        {
            add(key, $"expected a directory path, got \"{path}\".");
        }
    }

    // A bundle folder is replaced whole when a bundle is unpacked or deployed again: samples and heads kept in it
    // would go with it.
    private static void CheckStoreApartFromBundle(string store, string bundle, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(store) || string.IsNullOrWhiteSpace(bundle) || store.Any(char.IsControl) || bundle.Any(char.IsControl)
            || !Path.IsPathFullyQualified(store) || !Path.IsPathFullyQualified(bundle))
        {
            // Not comparable yet: DeviceConfigFile checks again once both are resolved against the file's folder.
            return;
        }

        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var fullStore = Path.TrimEndingDirectorySeparator(Path.GetFullPath(store));
        var fullBundle = Path.TrimEndingDirectorySeparator(Path.GetFullPath(bundle));
        if (string.Equals(fullStore, fullBundle, comparison))
        {
            add("store.path", $"is the bundle folder ('{fullBundle}'); give the store a folder of its own, since a bundle folder is replaced whole when a bundle is installed again.");
        }
        else if (fullStore.StartsWith(fullBundle + Path.DirectorySeparatorChar, comparison))
        {
            add("store.path", $"lies inside the bundle folder ('{fullBundle}'); give the store a folder of its own, since a bundle folder is replaced whole when a bundle is installed again.");
        }
    }

    private static void Range(long value, long min, long max, string key, Action<string, string> add, string note = "")
    {
        if (value < min || value > max)
        {
            add(key, string.Create(CultureInfo.InvariantCulture, $"expected a whole number from {min} to {max}{note}, got {value}."));
        }
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string OsName() =>
        OperatingSystem.IsLinux() ? "Linux" : OperatingSystem.IsMacOS() ? "macOS" : "another operating system";
}
