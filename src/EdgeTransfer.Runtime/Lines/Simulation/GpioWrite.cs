using System.Device.Gpio;

namespace EdgeTransfer.Runtime.Lines.Simulation;

/// <summary>One write to an output pin of a <see cref="SimulatedGpioDriver"/>.</summary>
/// <param name="At">When, from the driver's <see cref="TimeProvider"/>.</param>
/// <param name="Pin">The pin.</param>
/// <param name="Value">The level written.</param>
public readonly record struct GpioWrite(DateTimeOffset At, int Pin, PinValue Value);
