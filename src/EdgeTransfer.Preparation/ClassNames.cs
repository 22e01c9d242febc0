using System.Text.RegularExpressions;

namespace EdgeTransfer.Preparation;

/// <summary>Validates the class names of a bundle.</summary>
/// <remarks>
/// Class names travel in MQTT payloads, file names of the sample store and console labels, so they are
/// kept to a conservative alphabet: nothing a class name holds can become a path or a topic level.
/// </remarks>
public static partial class ClassNames
{
    /// <summary>The longest class name accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>Splits and validates a comma-separated list such as <c>good,scratch,dent</c>.</summary>
    /// <param name="list">The list as the user wrote it.</param>
    /// <param name="setting">The setting name to report (<c>--classes</c>).</param>
    /// <exception cref="InvalidSettingException">Fewer than two classes, an empty, duplicate or malformed name.</exception>
    public static IReadOnlyList<string> Parse(string? list, string setting = "--classes")
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            throw new InvalidSettingException(setting, "no class names were given; pass at least two, e.g. --classes good,scratch,dent.");
        }

        var names = list.Split(',').Select(n => n.Trim()).ToArray();
        Validate(names, setting);
        return names;
    }

    /// <summary>Validates a list of class names.</summary>
    /// <param name="names">The names.</param>
    /// <param name="setting">The setting name to report.</param>
    /// <exception cref="InvalidSettingException">Fewer than two classes, an empty, duplicate or malformed name.</exception>
    public static void Validate(IReadOnlyList<string> names, string setting = "--classes")
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count < 2)
        {
            throw new InvalidSettingException(setting, $"a classifier needs at least two classes, got {names.Count} ('{string.Join(",", names)}').");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (name.Length == 0)
            {
                throw new InvalidSettingException(setting, $"class {i + 1} is empty; remove the stray comma.");
            }

            if (name.Length > MaxLength || !Allowed().IsMatch(name))
            {
                throw new InvalidSettingException(setting, $"class name '{name}' is not allowed: use 1–{MaxLength} letters, digits, '-' or '_', starting with a letter or digit.");
            }

            if (!seen.Add(name))
            {
                throw new InvalidSettingException(setting, $"class name '{name}' appears more than once (names are compared without case).");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex Allowed();
}
