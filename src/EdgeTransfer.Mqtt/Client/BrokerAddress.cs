using System.Globalization;

namespace EdgeTransfer.Mqtt.Client;

/// <summary>Where the broker is: <c>host:port</c> as the user types it on the command line (one parser for every program).</summary>
/// <param name="Host">The host name or address.</param>
/// <param name="Port">The TCP port.</param>
public readonly record struct BrokerAddress(string Host, int Port)
{
    /// <summary>The default: the embedded or local broker on loopback, port 1883 (MQTT's registered port).</summary>
    public static BrokerAddress Default { get; } = new("127.0.0.1", 1883);

    /// <summary>Parses <c>host</c>, <c>host:port</c> or <c>[v6-address]:port</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="setting">The option that holds it, for the message (<c>--broker</c>).</param>
    /// <param name="defaultPort">The port when none is given (1883, or 8883 with TLS).</param>
    /// <exception cref="InvalidSettingException">The text is not a host with an optional port of 1 to 65535.</exception>
    public static BrokerAddress Parse(string? text, string setting = "--broker", int defaultPort = 1883)
    {
        var value = text?.Trim() ?? "";
        string host;
        string? port = null;
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']', StringComparison.Ordinal);
            host = close > 1 ? value[1..close] : "";
            if (close > 0 && close + 1 < value.Length)
            {
                port = value[(close + 1)..].StartsWith(':') ? value[(close + 2)..] : null;
                host = port is null ? "" : host;
            }
        }
        else
        {
            var colon = value.LastIndexOf(':');
            host = colon < 0 ? value : value[..colon];
            port = colon < 0 ? null : value[(colon + 1)..];
        }

        // A bare IPv6 address (colons without brackets) is ambiguous with host:port; RFC 3986 §3.2.2 brackets it.
        var bracketed = value.StartsWith('[');
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@' || (c == ':' && !bracketed)))
        {
            throw new InvalidSettingException(setting, $"expected host:port such as 127.0.0.1:1883 or broker.plant.local:8883 (no scheme or path), got \"{value}\".");
        }

        var number = defaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number is < 1 or > 65535))
        {
            throw new InvalidSettingException(setting, $"expected a port from 1 to 65535 after the ':', got \"{port}\" in \"{value}\".");
        }

        return new BrokerAddress(host, number);
    }

    /// <summary><c>host:port</c> (IPv6 addresses in brackets).</summary>
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
