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

    /// <summary>The head version in service (the new bundle's initial head).</summary>
    public long? HeadVersion { get; init; }

    /// <summary>Whether inspection runs on the new bundle.</summary>
    public bool Inspecting { get; init; }
}
