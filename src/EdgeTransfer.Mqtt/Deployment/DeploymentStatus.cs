using System.Text.Json;

namespace EdgeTransfer.Mqtt.Deployment;

/// <summary>The <c>result</c> of a <c>deploy</c> or <c>deploy-chunk</c> reply: what the device holds of a deployment.</summary>
public sealed record DeploymentStatus
{
    /// <summary>The deployment id.</summary>
    public string DeploymentId { get; init; } = "";

    /// <summary>The number of chunks in the plan.</summary>
    public int Chunks { get; init; }

    /// <summary>The indices of the verified chunks the device holds, ascending.</summary>
    public List<int> Received { get; init; } = [];

    /// <summary>Whether every chunk arrived, the whole archive matched its sha256 and was handed over.</summary>
    public bool Complete { get; init; }

    /// <summary>What the device did with the archive (the installer's own result), once complete.</summary>
    public JsonElement? Outcome { get; init; }
}
