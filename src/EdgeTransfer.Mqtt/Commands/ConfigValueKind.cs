namespace EdgeTransfer.Mqtt.Commands;

/// <summary>The JSON type a <c>config</c> key takes.</summary>
public enum ConfigValueKind
{
    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A whole number within the key's range.</summary>
    WholeNumber,

    /// <summary>A finite number within the key's range.</summary>
    Number,

    /// <summary>A text that is one of the key's choices.</summary>
    Choice,
}
