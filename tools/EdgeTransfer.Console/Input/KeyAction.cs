namespace EdgeTransfer.LineConsole.Input;

/// <summary>What a key does.</summary>
public enum KeyAction
{
    /// <summary>Nothing: the key has no binding.</summary>
    Ignore,

    /// <summary>Send <see cref="KeyResult.Command"/> to the device.</summary>
    Send,

    /// <summary>Refused before sending; <see cref="KeyResult.Hint"/> says why.</summary>
    Refuse,

    /// <summary>Show or hide the help.</summary>
    ToggleHelp,

    /// <summary>Leave the console.</summary>
    Quit,
}
