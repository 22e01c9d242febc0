namespace EdgeTransfer.Mqtt.Client;

/// <summary>Which end of the protocol a <see cref="MqttConnection"/> is.</summary>
public enum ConnectionRole
{
    /// <summary>A device: persistent session, birth/death, commands in, outbox out.</summary>
    Device,

    /// <summary>The fleet tool or a fleet consumer: watches devices, sends commands.</summary>
    Fleet,
}
