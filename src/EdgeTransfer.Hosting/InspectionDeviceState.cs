namespace EdgeTransfer.Hosting;

/// <summary>Where an <see cref="IInspectionDevice"/> is in its life.</summary>
public enum InspectionDeviceState
{
    /// <summary>Not started yet.</summary>
    NotStarted,

    /// <summary>Inspecting.</summary>
    Running,

    /// <summary>The source ran out (a folder replayed once); the bundle stays open until stopped.</summary>
    SourceEnded,

    /// <summary>Stopped; everything is closed.</summary>
    Stopped,

    /// <summary>Could not start (see <see cref="IInspectionDevice.FailureReason"/>); nothing is open.</summary>
    Failed,
}
