namespace EdgeTransfer.Runtime.Lines.Simulation;

/// <summary>A <see cref="SimulatedGpioDriver"/> recorded a write.</summary>
public sealed class GpioWriteEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="write">The write.</param>
    public GpioWriteEventArgs(GpioWrite write) => Write = write;

    /// <summary>The write.</summary>
    public GpioWrite Write { get; }
}
