namespace EdgeTransfer.Mqtt.Protocol;

/// <summary>
/// One topic of protocol v1, <c>edgetransfer/v1/{fleet}/{device}/{status|telemetry|events|training|cmd/{name}|reply/{name}}</c>,
/// built from validated parts or parsed strictly from a topic name.
/// </summary>
public readonly record struct DeviceTopic
{
    /// <summary>The first two levels of every topic of this protocol version.</summary>
    public const string Prefix = "edgetransfer/v1";

    private DeviceTopic(string fleet, string device, TopicKind kind, string? name)
    {
        Fleet = fleet;
        Device = device;
        Kind = kind;
        Name = name;
    }

    /// <summary>The fleet id (third level).</summary>
    public string Fleet { get; }

    /// <summary>The device id (fourth level).</summary>
    public string Device { get; }

    /// <summary>What the topic carries.</summary>
    public TopicKind Kind { get; }

    /// <summary>The command name for <see cref="TopicKind.Command"/> and <see cref="TopicKind.Reply"/>, else null.</summary>
    public string? Name { get; }

    /// <summary>Builds the topic of <paramref name="kind"/> for one device.</summary>
    /// <param name="fleet">The fleet id.</param>
    /// <param name="device">The device id.</param>
    /// <param name="kind">Status, telemetry, events or training (commands and replies take a name: see <see cref="Command"/>).</param>
    /// <exception cref="InvalidSettingException">An id is not valid.</exception>
    public static DeviceTopic For(string fleet, string device, TopicKind kind)
    {
        if (kind is TopicKind.Command or TopicKind.Reply)
        {
            throw new ArgumentException($"{kind} topics carry a command name; use DeviceTopic.Command or DeviceTopic.Reply.", nameof(kind));
        }

        return new DeviceTopic(ProtocolIds.RequireId(fleet, "fleet"), ProtocolIds.RequireId(device, "device"), kind, null);
    }

    /// <summary>Builds <c>…/{device}/cmd/{name}</c>.</summary>
    /// <param name="fleet">The fleet id.</param>
    /// <param name="device">The device id.</param>
    /// <param name="name">The command name.</param>
    public static DeviceTopic Command(string fleet, string device, string name) =>
        new(ProtocolIds.RequireId(fleet, "fleet"), ProtocolIds.RequireId(device, "device"), TopicKind.Command, ProtocolIds.RequireCommandName(name, "command"));

    /// <summary>Builds <c>…/{device}/reply/{name}</c>.</summary>
    /// <param name="fleet">The fleet id.</param>
    /// <param name="device">The device id.</param>
    /// <param name="name">The command name answered.</param>
    public static DeviceTopic Reply(string fleet, string device, string name) =>
        new(ProtocolIds.RequireId(fleet, "fleet"), ProtocolIds.RequireId(device, "device"), TopicKind.Reply, ProtocolIds.RequireCommandName(name, "command"));

    /// <summary>Parses a topic name; false for anything that is not exactly a v1 device topic with valid ids and name.</summary>
    /// <param name="topic">The topic name as received (never a filter: wildcards are refused).</param>
    /// <param name="result">The parsed topic.</param>
    public static bool TryParse(string? topic, out DeviceTopic result)
    {
        result = default;
        // 65535 bytes is the protocol's limit for a topic (MQTT 5 §1.5.4); ours are far shorter.
        if (topic is null || topic.Length > 256 || !topic.StartsWith(Prefix + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var levels = topic[(Prefix.Length + 1)..].Split('/');
        if (levels.Length < 3 || !ProtocolIds.IsValidId(levels[0]) || !ProtocolIds.IsValidId(levels[1]))
        {
            return false;
        }

        TopicKind? kind = (levels.Length, levels[2]) switch
        {
            (3, "status") => TopicKind.Status,
            (3, "telemetry") => TopicKind.Telemetry,
            (3, "events") => TopicKind.Events,
            (3, "training") => TopicKind.Training,
            (4, "cmd") when ProtocolIds.IsValidCommandName(levels[3]) => TopicKind.Command,
            (4, "reply") when ProtocolIds.IsValidCommandName(levels[3]) => TopicKind.Reply,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }

        result = new DeviceTopic(levels[0], levels[1], kind.Value, levels.Length == 4 ? levels[3] : null);
        return true;
    }

    /// <summary>Parses a topic name or throws <see cref="InvalidSettingException"/> naming it.</summary>
    /// <param name="topic">The topic name.</param>
    public static DeviceTopic Parse(string topic) =>
        TryParse(topic, out var result)
            ? result
            : throw new InvalidSettingException("topic", $"expected {Prefix}/{{fleet}}/{{device}}/{{status|telemetry|events|training|cmd/{{name}}|reply/{{name}}}} with valid ids, got {ProtocolIds.Quote(topic)}.");

    /// <summary>The topic level that names <paramref name="kind"/>.</summary>
    private static string Level(TopicKind kind) => kind switch
    {
        TopicKind.Status => "status",
        TopicKind.Telemetry => "telemetry",
        TopicKind.Events => "events",
        TopicKind.Training => "training",
        TopicKind.Command => "cmd",
        _ => "reply",
    };

    /// <summary>The topic name.</summary>
    public override string ToString() =>
        Name is null ? $"{Prefix}/{Fleet}/{Device}/{Level(Kind)}" : $"{Prefix}/{Fleet}/{Device}/{Level(Kind)}/{Name}";
}
