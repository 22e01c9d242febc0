namespace EdgeTransfer.Mqtt.Commands;

/// <summary>One key a <c>config</c> request may set, with its type and allowed values.</summary>
/// <param name="Name">The key as the request writes it (<c>inspection.threshold</c>).</param>
/// <param name="Kind">Its JSON type.</param>
/// <param name="Min">The smallest number allowed (<see cref="ConfigValueKind.WholeNumber"/>, <see cref="ConfigValueKind.Number"/>).</param>
/// <param name="Max">The largest number allowed.</param>
/// <param name="Choices">The allowed texts (<see cref="ConfigValueKind.Choice"/>).</param>
public sealed record ConfigKey(string Name, ConfigValueKind Kind, double Min = double.MinValue, double Max = double.MaxValue, IReadOnlyList<string>? Choices = null);
