namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>
/// The allow-lists for everything that becomes an MQTT topic level or a key in the device's state:
/// fleet and device ids, command names, deployment ids and shared-subscription groups.
/// </summary>
/// <remarks>
/// A topic level may hold any UTF-8 except '/', and '+' and '#' turn a filter into a wildcard
/// (MQTT 5 §4.7.1). An allow-list (rather than a deny-list of those three) also keeps ids safe as file
/// names and log fields: no '..', no separators, no control or look-alike characters. Nothing read
/// from a topic or a payload is ever used as a path; ids only select entries the device created itself.
/// </remarks>
public static class ProtocolIds
{
    /// <summary>The longest fleet, device or deployment id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The longest command name.</summary>
    public const int MaxCommandNameLength = 32;

    /// <summary>Whether <paramref name="id"/> is a valid fleet or device id: 1 to 64 of <c>A–Z a–z 0–9 . _ -</c>, starting with a letter or digit, without <c>..</c>.</summary>
    /// <param name="id">The text to check.</param>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength }
        && char.IsAsciiLetterOrDigit(id[0])
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
        && !id.Contains("..", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="name"/> is a valid command name: 1 to 32 of <c>a–z 0–9 -</c>, starting with a letter.</summary>
    /// <param name="name">The text to check.</param>
    public static bool IsValidCommandName(string? name) =>
        name is { Length: > 0 and <= MaxCommandNameLength }
        && char.IsAsciiLetterLower(name[0])
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>Throws <see cref="InvalidSettingException"/> unless <paramref name="id"/> is a valid fleet or device id.</summary>
    /// <param name="id">The id to check.</param>
    /// <param name="setting">The name of the setting or field that holds it, for the message.</param>
    /// <returns><paramref name="id"/>, for chaining.</returns>
    public static string RequireId(string? id, string setting)
    {
        if (!IsValidId(id))
        {
            throw new InvalidSettingException(setting, $"expected 1 to {MaxIdLength} of the characters A–Z a–z 0–9 . _ - starting with a letter or digit and without \"..\" (it becomes an MQTT topic level), got {Quote(id)}.");
        }

        return id!;
    }

    /// <summary>Throws <see cref="InvalidSettingException"/> unless <paramref name="name"/> is a valid command name.</summary>
    /// <param name="name">The name to check.</param>
    /// <param name="setting">The name of the setting or field that holds it, for the message.</param>
    /// <returns><paramref name="name"/>, for chaining.</returns>
    public static string RequireCommandName(string? name, string setting)
    {
        if (!IsValidCommandName(name))
        {
            throw new InvalidSettingException(setting, $"expected 1 to {MaxCommandNameLength} of the characters a–z 0–9 - starting with a letter, got {Quote(name)}.");
        }

        return name!;
    }

    /// <summary>Quotes a value for a message, shortened and with control characters escaped so a log line stays one line.</summary>
    /// <param name="value">The value, possibly null.</param>
    public static string Quote(string? value)
    {
        if (value is null)
        {
            return "nothing";
        }

        var shown = value.Length > 40 ? value[..37] + "…" : value;
        var builder = new System.Text.StringBuilder(shown.Length + 2).Append('"');
        foreach (var c in shown)
        {
            _ = char.IsControl(c) ? builder.Append($"\\u{(int)c:x4}") : builder.Append(c);
        }

        return builder.Append('"').ToString();
    }
}
