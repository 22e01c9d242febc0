using EdgeTransfer.Benchmarks.Fleet;

namespace EdgeTransfer.Fleet.Tests.Infrastructure;

/// <summary>A fact that needs the Mosquitto binary; skipped, with the reason, where it is not installed.</summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    public MosquittoFactAttribute()
    {
        if (!MosquittoProcess.IsInstalled)
        {
            Skip = $"Mosquitto is not installed ({MosquittoProcess.DefaultBinary}); .ci/run installs the Debian package 'mosquitto'.";
        }
    }
}
