using System.Globalization;
using EdgeTransfer.Runtime.Heads;

namespace EdgeTransfer.Runtime.Evaluation;

/// <summary>Finds a stored head version by the name a technician types: <c>v0003</c>, <c>v3</c> or <c>3</c>.</summary>
public static class HeadVersionLookup
{
    /// <summary>The version of <paramref name="registry"/> named <paramref name="name"/>.</summary>
    /// <param name="registry">The device's heads.</param>
    /// <param name="name">The version as typed.</param>
    /// <param name="setting">The option or argument that gave the name, for the message (<c>--head</c>, <c>head</c>).</param>
    /// <returns>The version (not put in service).</returns>
    /// <exception cref="InvalidSettingException">The registry holds no such version; the message lists the versions it holds.</exception>
    public static HeadVersion Find(HeadRegistry registry, string name, string setting)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(name);
        var versions = registry.Versions;
        var digits = name.StartsWith('v') || name.StartsWith('V') ? name[1..] : name;
        if (digits.Length > 0 && digits.All(char.IsAsciiDigit)
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && versions.FirstOrDefault(v => v.Number == number) is { } found)
        {
            return found;
        }

        var current = registry.Current?.Name;
        var held = versions.Count == 0
            ? "it holds none"
            : $"it holds {string.Join(", ", versions.Select(v => v.Name == current ? $"{v.Name} (in service)" : v.Name))}";
        throw new InvalidSettingException(setting, $"there is no head version '{name}' on this device; {held}.");
    }
}
