namespace EdgeTransfer.Agent.Replies;

/// <summary>The installer's <c>outcome</c> in the reply to the last <c>deploy-chunk</c>: the new bundle is in service.</summary>
public sealed record DeployOutcome
{
    /// <summary>Always true here: a refused bundle is an error reply instead.</summary>
    public bool Installed { get; init; }

    /// <summary>The bundle id now in service (from its verified manifest).</summary>
    public string BundleId { get; init; } = "";

    /// <summary>The bundle id it replaced (kept on the device for a rollback).</summary>
    public string PreviousBundleId { get; init; } = "";

    /// <summary>The device's own name of the folder it was unpacked to (<c>b0002</c>).</summary>
    public string Slot { get; init; } = "";

    /// <summary>The head version in service: the learned one when heads were carried over, else the new bundle's initial head.</summary>
    public long? HeadVersion { get; init; }

    /// <summary>Labelled samples carried over into the new bundle's state (re-validated with its schema).</summary>
    public int SamplesCarried { get; init; }

    /// <summary>Head versions carried over (same numbers; each checked against the new bundle's head and graph).</summary>
    public IReadOnlyList<int> HeadsCarried { get; init; } = [];

    /// <summary>Why learned samples or heads were not carried over and where they are kept, or null when nothing was left behind.</summary>
    public string? NotCarriedOver { get; init; }

    /// <summary>Slots deleted after this deployment, each with what it held and why it could go.</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];

    /// <summary>Whether inspection runs on the new bundle.</summary>
    public bool Inspecting { get; init; }
}
