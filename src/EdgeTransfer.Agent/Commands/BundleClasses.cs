using EdgeTransfer.Mqtt.Commands;
using EdgeTransfer.Mqtt.Protocol;
using EdgeTransfer.Runtime.Hosting;

namespace EdgeTransfer.Agent.Commands;

/// <summary>The label check that <c>label</c> and <c>collect</c> share.</summary>
internal static class BundleClasses
{
    /// <summary>Refuses a <paramref name="label"/> that is not a class of the bundle in service (or <c>auto</c>, where allowed).</summary>
    /// <exception cref="CommandException">An <c>invalid_value</c> that lists the classes.</exception>
    public static void Require(DeviceHost host, string label, bool allowAuto)
    {
        if ((allowAuto && label == DeviceHost.AutoLabel) || host.Bundle.Classes.Contains(label, StringComparer.Ordinal))
        {
            return;
        }

        throw new CommandException(CommandErrorCodes.InvalidValue, "label", $"label: expected one of the classes of bundle {host.Bundle.BundleId} ({string.Join(", ", host.Bundle.Classes)}{(allowAuto ? ", or auto" : "")}), got {ProtocolIds.Quote(label)}.");
    }
}
