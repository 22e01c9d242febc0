namespace EdgeTransfer.Runtime.Loading;

/// <summary>The outcome of <see cref="BundleSwap.TryDeploy"/>: the new bundle was put in service, or refused with the reason.</summary>
/// <param name="Accepted">Whether the new bundle is now in service.</param>
/// <param name="Current">The bundle in service after the attempt: the new one when accepted, the old one when refused.</param>
/// <param name="Reason">Why the bundle was refused (a sentence naming the file and what is wrong), or null when accepted.</param>
/// <param name="Error">The error behind the refusal, or null when accepted.</param>
public sealed record BundleDeployResult(bool Accepted, DeviceBundle Current, string? Reason, EdgeTransferException? Error);
