using System.Globalization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Commands;

/// <summary>Range and name checks for <see cref="CommandRequest.Validate"/>; each throws a <see cref="CommandException"/> naming the field.</summary>
public static class RequestChecks
{
    /// <summary>2000-01-01 UTC: no request time before it is believable (a clock at 0 is 1970).</summary>
    public static readonly DateTimeOffset Epoch2000 = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Checks <paramref name="min"/> ≤ <paramref name="value"/> ≤ <paramref name="max"/> when a value is given.</summary>
    /// <param name="field">The JSON name of the field.</param>
    /// <param name="value">The value, or null when absent.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <param name="max">The largest allowed value.</param>
    public static void Range(string field, long? value, long min, long max)
    {
        if (value is { } v && (v < min || v > max))
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, field, $"{field}: expected a whole number from {min} to {max}, got {v}.");
        }
    }

    /// <summary>Checks that <paramref name="value"/> is finite and within [<paramref name="min"/>, <paramref name="max"/>] when given.</summary>
    /// <param name="field">The JSON name of the field.</param>
    /// <param name="value">The value, or null when absent.</param>
    /// <param name="min">The smallest allowed value.</param>
    /// <param name="max">The largest allowed value.</param>
    public static void Range(string field, double? value, double min, double max)
    {
        if (value is { } v && (!double.IsFinite(v) || v < min || v > max))
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, field, string.Create(CultureInfo.InvariantCulture, $"{field}: expected a number from {min:G} to {max:G}, got {v:G}."));
        }
    }

    /// <summary>Checks that <paramref name="value"/> is an id (see <see cref="ProtocolIds.IsValidId"/>) when given.</summary>
    /// <param name="field">The JSON name of the field.</param>
    /// <param name="value">The value, or null when absent.</param>
    public static void Id(string field, string? value)
    {
        if (value is not null && !ProtocolIds.IsValidId(value))
        {
            throw new CommandException(CommandErrorCodes.InvalidValue, field, $"{field}: expected 1 to {ProtocolIds.MaxIdLength} of A–Z a–z 0–9 . _ - starting with a letter or digit and without \"..\" (it names stored data, never a path), got {ProtocolIds.Quote(value)}.");
        }
    }

    /// <summary>Checks that <paramref name="value"/> is a sha256 as 64 lower-case hex digits.</summary>
    /// <param name="field">The JSON name of the field.</param>
    /// <param name="value">The value.</param>
    public static void Digest(string field, string? value)
    {
        if (!Sha256.IsDigest(value))
        {
            throw new CommandException(CommandErrorCodes.InvalidValue, field, $"{field}: expected a sha256 as 64 lower-case hexadecimal digits, got {ProtocolIds.Quote(value)}.");
        }
    }
}
