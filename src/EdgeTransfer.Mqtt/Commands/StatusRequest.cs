namespace EdgeTransfer.Mqtt.Commands;

/// <summary><c>cmd/status</c>: reply with the device's current state. No fields besides the envelope.</summary>
public sealed record StatusRequest : CommandRequest;
