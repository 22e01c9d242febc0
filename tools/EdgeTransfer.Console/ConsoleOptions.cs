using EdgeTransfer.Mqtt.Client;

namespace EdgeTransfer.LineConsole;

/// <summary>Settings of the technician's console; checked by <see cref="ConsoleOptionsValidator"/> when a session starts.</summary>
public sealed class ConsoleOptions
{
    /// <summary>The broker host. Default <c>127.0.0.1</c> (the embedded broker of <c>edgetransfer broker</c>).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The broker port. Default 1883.</summary>
    public int Port { get; set; } = 1883;

    /// <summary>The fleet id. Default <c>default</c>.</summary>
    public string Fleet { get; set; } = "default";

    /// <summary>The device to watch, or null for the first one heard from.</summary>
    public string? Device { get; set; }

    /// <summary>The broker user name (the fleet role), or null.</summary>
    public string? Username { get; set; }

    /// <summary>A file holding the password, or null.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>TLS settings, or null for plain TCP.</summary>
    public MqttTlsSettings? Tls { get; set; }

    /// <summary>The class order for keys 1…9, or null to take it from the device's <c>status</c> reply.</summary>
    public IReadOnlyList<string>? Classes { get; set; }

    /// <summary>How long to wait for the reply to a command. Default 10 s.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the reply to <c>train</c>, which a device may send only when the run ends. Default 10 min.</summary>
    public TimeSpan TrainTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often to ask the device for its <c>status</c> (sample counts, classes, pause state). Default 5 s.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often to ask for a <c>preview</c> thumbnail; <see cref="TimeSpan.Zero"/> for never. Default 1 s.</summary>
    public TimeSpan PreviewInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The thumbnail side asked for, 8 to 96 pixels. Default 48.</summary>
    public int PreviewSize { get; set; } = 48;
}
