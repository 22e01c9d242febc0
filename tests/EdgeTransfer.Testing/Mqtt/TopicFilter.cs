namespace EdgeTransfer.Testing.Mqtt;

/// <summary>MQTT topic filter matching (MQTT 5 §4.7): <c>+</c> is one level, a final <c>#</c> this level and all below.</summary>
internal static class TopicFilter
{
    public static bool Matches(string filter, string topic)
    {
        var f = filter.Split('/');
        var t = topic.Split('/');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true;
            }

            if (i >= t.Length || (f[i] != "+" && f[i] != t[i]))
            {
                return false;
            }
        }

        return f.Length == t.Length;
    }

    /// <summary>Splits <c>$share/{group}/{filter}</c> (MQTT 5 §4.8.2).</summary>
    public static bool TrySplitShared(string filter, out string group, out string shared)
    {
        group = shared = "";
        if (!filter.StartsWith("$share/", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = filter["$share/".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return false;
        }

        group = rest[..slash];
        shared = rest[(slash + 1)..];
        return true;
    }
}
