using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.LineConsole.Model;

/// <summary>What the console knows about the device it watches: its retained status and the state its replies report.</summary>
public sealed record DeviceView
{
    /// <summary>The device id.</summary>
    public required string Id { get; init; }

    /// <summary>True after a birth, false after a death, null before the first <c>status</c> message.</summary>
    public bool? Online { get; init; }

    /// <summary>Why it went offline (<c>last-will</c>, <c>shutdown</c>), or null.</summary>
    public string? OfflineReason { get; init; }

    /// <summary>When the console learned the current online/offline state.</summary>
    public DateTimeOffset? StateSince { get; init; }

    /// <summary>When the console last heard anything from the device.</summary>
    public DateTimeOffset? LastHeard { get; init; }

    /// <summary>The device program's version.</summary>
    public string? App { get; init; }

    /// <summary>The ONNX Runtime version.</summary>
    public string? OnnxRuntime { get; init; }

    /// <summary>The bundle in service.</summary>
    public string? Bundle { get; init; }

    /// <summary>The head version in service.</summary>
    public long? Head { get; init; }

    /// <summary>The execution provider (<c>cpu</c>, <c>cuda</c> …).</summary>
    public string? ExecutionProvider { get; init; }

    /// <summary>Whether inspection is paused, as the last <c>status</c> or <c>config</c> reply said; null if unknown.</summary>
    public bool? Paused { get; init; }

    /// <summary>The class being collected, as the last <c>collect</c> or <c>status</c> reply said; null when not collecting.</summary>
    public string? CollectingLabel { get; init; }

    /// <summary>The anomaly model in service (<c>a0002</c>), or null when the device has none or does not say.</summary>
    public string? AnomalyModel { get; init; }

    /// <summary>This device after <paramref name="status"/> (a birth or a death) arrived at <paramref name="now"/>.</summary>
    /// <param name="status">The status message, as the decoder read it.</param>
    /// <param name="now">When it arrived.</param>
    internal DeviceView With(StatusMessage status, DateTimeOffset now)
    {
        var versions = status.Versions;
        return status.State == DeviceState.Online
            ? this with { Online = true, OfflineReason = null, StateSince = Online == true ? StateSince : now, App = versions?.App, OnnxRuntime = versions?.OnnxRuntime, Bundle = versions?.Bundle, Head = versions?.Head, ExecutionProvider = status.ExecutionProvider, AnomalyModel = versions?.Anomaly }
            : this with { Online = false, OfflineReason = status.Reason, StateSince = Online == false ? StateSince : now };
    }
}
