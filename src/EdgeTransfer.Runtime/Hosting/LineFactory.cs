using System.Runtime.Versioning;
using EdgeTransfer.Runtime.Capture;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Lines;

namespace EdgeTransfer.Runtime.Hosting;

/// <summary>Turns the <c>source</c>, <c>trigger</c> and <c>reject</c> sections of <c>device.json</c> into live objects.</summary>
public static class LineFactory
{
    /// <summary>The frame source of <paramref name="options"/>; a camera is wrapped so that it reconnects with back-off.</summary>
    /// <param name="options">The device options.</param>
    /// <param name="bundleClasses">The bundle's classes (the synthetic line's default mix).</param>
    /// <param name="timeProvider">The clock.</param>
    public static IFrameSource CreateSource(DeviceOptions options, IReadOnlyList<string> bundleClasses, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(bundleClasses);
        var source = options.Source;
        switch (source.Kind)
        {
            case SourceKind.Camera:
                var camera = new V4l2CameraOptions
                {
                    DevicePath = source.Camera.Device,
                    Width = source.Camera.Width,
                    Height = source.Camera.Height,
                    PixelFormat = source.Camera.PixelFormat == PixelFormat.Mjpeg ? V4l2PixelFormat.Mjpeg : V4l2PixelFormat.Yuyv,
                };

                // A camera that disappears (unplugged, USB reset) comes back by itself: the resilient
                // source reports Reconnecting with the attempt and the next retry, then Online again.
                return new ResilientFrameSource(
                    "camera",
                    _ => ValueTask.FromResult<IFrameSource>(OpenCamera(camera, timeProvider)),
                    timeProvider: timeProvider);
            case SourceKind.Folder:
                return new FolderReplaySource(new FolderReplayOptions { Directory = source.Folder.Path!, Loop = source.Folder.Loop }, timeProvider);
            default:
                var classes = source.Synthetic.Classes ?? bundleClasses;
                return new SyntheticLineSource(
                    new SyntheticLineOptions
                    {
                        Seed = source.Synthetic.Seed,
                        FramesPerSecond = source.Synthetic.Rate,
                        ClassMix = SyntheticMix(classes, options.Inspection.GoodClass),
                    },
                    timeProvider);
        }
    }

    /// <summary>The trigger of <paramref name="options"/>; null for free-running at the source's own pace.</summary>
    /// <param name="options">The device options.</param>
    /// <param name="timeProvider">The clock.</param>
    public static ITrigger? CreateTrigger(DeviceOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trigger = options.Trigger;
        return trigger.Kind switch
        {
            TriggerKind.Gpio => OpenGpioTrigger(trigger.Gpio, timeProvider),
            _ => new FreeRunningTrigger(trigger.FreeRunning.Fps, timeProvider),
        };
    }

    /// <summary>The reject output of <paramref name="options"/>; null when verdicts are only reported.</summary>
    /// <param name="options">The device options.</param>
    /// <param name="timeProvider">The clock.</param>
    public static RejectLine? CreateRejectLine(DeviceOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reject = options.Reject;
        if (reject.Kind != RejectKind.Gpio)
        {
            return null;
        }

        var lineOptions = new RejectLineOptions
        {
            Pin = reject.Gpio.Pin!.Value,
            PulseDuration = TimeSpan.FromMilliseconds(reject.Gpio.PulseMs),
            Polarity = reject.Gpio.ActiveHigh ? OutputPolarity.ActiveHigh : OutputPolarity.ActiveLow,
        };
        return OperatingSystem.IsLinux()
            ? OpenRejectChip(reject.Gpio.Chip, lineOptions, timeProvider)
            : throw new InvalidSettingException("device.json: reject.kind", "GPIO lines are opened through the Linux GPIO character device; on this OS set reject.kind to \"none\".");
    }

    private static V4l2CameraSource OpenCamera(V4l2CameraOptions camera, TimeProvider? timeProvider) =>
        OperatingSystem.IsLinux()
            ? V4l2CameraSource.Open(camera, timeProvider)
            : throw new InvalidSettingException("device.json: source.kind", "the V4L2 camera is Linux-only; use \"folder\" or \"synthetic\" on this OS.");

    private static GpioTrigger OpenGpioTrigger(GpioTriggerSection gpio, TimeProvider? timeProvider)
    {
        var options = new GpioTriggerOptions
        {
            Pin = gpio.Pin!.Value,
            Edge = gpio.Edge == GpioEdge.Rising ? TriggerEdge.Rising : TriggerEdge.Falling,
            Debounce = TimeSpan.FromMilliseconds(gpio.DebounceMs),
        };
        return OperatingSystem.IsLinux()
            ? OpenTriggerChip(gpio.Chip, options, timeProvider)
            : throw new InvalidSettingException("device.json: trigger.kind", "GPIO lines are opened through the Linux GPIO character device; on this OS use \"free-running\".");
    }

    [SupportedOSPlatform("linux")]
    private static RejectLine OpenRejectChip(int chip, RejectLineOptions options, TimeProvider? timeProvider) =>
        OpenChip(() => RejectLine.OpenChip(chip, options, timeProvider), "reject", chip, options.Pin, "\"none\"");

    [SupportedOSPlatform("linux")]
    private static GpioTrigger OpenTriggerChip(int chip, GpioTriggerOptions options, TimeProvider? timeProvider) =>
        OpenChip(() => GpioTrigger.OpenChip(chip, options, timeProvider), "trigger", chip, options.Pin, "\"free-running\"");

    // The GPIO character device is reached through libgpiod, which System.Device.Gpio loads at run time: a machine without
    // it (or without the chip, or without the rights to it) fails here, and the technician gets the key and the remedy
    // instead of the driver's exception and a stack trace.
    private static T OpenChip<T>(Func<T> open, string section, int chip, int pin, string fallback)
    {
        try
        {
            return open();
        }
        catch (PlatformNotSupportedException ex)
        {
            throw new InvalidSettingException(
                $"device.json: {section}.gpio",
                $"GPIO chip {chip} cannot be opened because libgpiod is not installed on this machine ({ex.Message.Split(". ")[0]}); install it (Debian, Raspberry Pi OS: apt-get install libgpiod2), or set {section}.kind to {fallback}.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Runtime.InteropServices.ExternalException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new InvalidSettingException(
                $"device.json: {section}.gpio",
                $"GPIO chip {chip}, pin {pin} cannot be opened: {ex.Message.TrimEnd('.')}. Check the chip and pin with gpioinfo (/dev/gpiochip{chip}) and that the service's user may use it (group gpio).");
        }
    }

    /// <summary>The class mix of a simulated line: 70 % good parts, the rest spread evenly over the defect classes.</summary>
    /// <param name="classes">The classes on the line.</param>
    /// <param name="goodClass">The class of good parts.</param>
    public static Dictionary<string, double> SyntheticMix(IReadOnlyList<string> classes, string goodClass)
    {
        var defects = classes.Where(c => c != goodClass).ToList();
        var mix = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var c in classes)
        {
            mix[c] = c == goodClass ? 0.7 : 0.3 / Math.Max(1, defects.Count);
        }

        return mix;
    }
}
