using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Fleet;

/// <summary>Which devices a command goes to: <c>all</c> (every device whose status is online) or a list of ids.</summary>
public sealed record DeviceSelection
{
    private DeviceSelection(bool all, IReadOnlyList<string> devices)
    {
        All = all;
        Devices = devices;
    }

    /// <summary>Every online device of the fleet, found from the retained statuses.</summary>
    public bool All { get; }

    /// <summary>The ids given (empty for <see cref="All"/>).</summary>
    public IReadOnlyList<string> Devices { get; }

    /// <summary>Parses <c>all</c> or <c>id[,id…]</c>.</summary>
    /// <param name="text">The text as typed.</param>
    /// <param name="setting">The argument or option that holds it (<c>&lt;device&gt;</c>, <c>--to</c>).</param>
    /// <exception cref="InvalidSettingException">Empty, or an id that is not a valid device id (named).</exception>
    public static DeviceSelection Parse(string? text, string setting)
    {
        var value = text?.Trim() ?? "";
        if (value == "all")
        {
            return new DeviceSelection(true, []);
        }

        var ids = value.Split(',', StringSplitOptions.TrimEntries);
        if (value.Length == 0)
        {
            throw new InvalidSettingException(setting, "expected a device id, a comma-separated list of them, or 'all'.");
        }

        foreach (var id in ids)
        {
            if (!ProtocolIds.IsValidId(id))
            {
                throw new InvalidSettingException(setting, $"{ProtocolIds.Quote(id)} is not a device id: expected 1 to {ProtocolIds.MaxIdLength} of A–Z a–z 0–9 . _ - starting with a letter or digit, without \"..\" (or 'all').");
            }
        }

        return new DeviceSelection(false, [.. ids.Distinct(StringComparer.Ordinal)]);
    }

    /// <summary><c>all</c> or the ids, comma-separated.</summary>
    public override string ToString() => All ? "all" : string.Join(',', Devices);
}
