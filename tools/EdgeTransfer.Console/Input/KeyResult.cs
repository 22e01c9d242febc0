namespace EdgeTransfer.LineConsole.Input;

/// <summary>The meaning of one key press in the current state.</summary>
/// <param name="Action">What to do.</param>
public sealed record KeyResult(KeyAction Action)
{
    /// <summary>The command to send, for <see cref="KeyAction.Send"/>.</summary>
    public ConsoleCommand? Command { get; init; }

    /// <summary>A message for the technician (why a key was refused), or null.</summary>
    public string? Hint { get; init; }

    /// <summary>The class a number key selects, or null.</summary>
    public string? SelectClass { get; init; }
}
