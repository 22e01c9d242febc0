using System.Text.Json;

namespace EdgeTransfer.Fleet;

/// <summary>How a deployment to one device ended.</summary>
public sealed record DeploymentOutcome
{
    /// <summary>The device id.</summary>
    public required string Device { get; init; }

    /// <summary>Whether every chunk arrived, the archive matched its sha256 and the device's installer accepted it.</summary>
    public required bool Ok { get; init; }

    /// <summary>Chunks in the plan.</summary>
    public int Chunks { get; init; }

    /// <summary>Chunks the device already held when this run started (a resumed deployment).</summary>
    public int AlreadyHeld { get; init; }

    /// <summary>Chunks this run sent.</summary>
    public int Sent { get; init; }

    /// <summary>Attempts made (more than 1 after a timeout or a lost connection).</summary>
    public int Attempts { get; init; }

    /// <summary>What the device's installer said, once complete.</summary>
    public JsonElement? Outcome { get; init; }

    /// <summary>Why it failed (the device's error code and message, or the timeout), or null.</summary>
    public string? Error { get; init; }

    /// <summary>Wall time for this device, in seconds.</summary>
    public double Seconds { get; init; }
}
