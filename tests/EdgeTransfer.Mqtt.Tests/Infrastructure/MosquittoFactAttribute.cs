namespace EdgeTransfer.Mqtt.Tests.Infrastructure;

/// <summary>A fact that needs the Mosquitto binary; skipped, with the reason, where it is not installed.</summary>
public sealed class MosquittoFactAttribute : FactAttribute
{
    public MosquittoFactAttribute()
    {
        if (!MosquittoBroker.IsAvailable)
        {
            Skip = MosquittoBroker.MissingReason;
        }
    }
}
