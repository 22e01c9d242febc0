using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace EdgeTransfer.Runtime.Configuration;

/// <summary>The least severe log message the device writes (<c>logging.level</c>); the values are those of <see cref="LogLevel"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeviceLogLevel>))]
public enum DeviceLogLevel
{
    /// <summary>Everything, including per-frame detail.</summary>
    [JsonStringEnumMemberName("trace")]
    Trace = LogLevel.Trace,

    /// <summary>Diagnostics for a developer.</summary>
    [JsonStringEnumMemberName("debug")]
    Debug = LogLevel.Debug,

    /// <summary>What the device does: connects, deployments, training results, refused commands (the default).</summary>
    [JsonStringEnumMemberName("information")]
    Information = LogLevel.Information,

    /// <summary>Only what needs attention: lost broker or camera, dropped events.</summary>
    [JsonStringEnumMemberName("warning")]
    Warning = LogLevel.Warning,

    /// <summary>Only failures.</summary>
    [JsonStringEnumMemberName("error")]
    Error = LogLevel.Error,

    /// <summary>Only failures that stop the device.</summary>
    [JsonStringEnumMemberName("critical")]
    Critical = LogLevel.Critical,

    /// <summary>No log at all.</summary>
    [JsonStringEnumMemberName("none")]
    None = LogLevel.None,
}
