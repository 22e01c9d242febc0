namespace EdgeTransfer.Mqtt.Commands;

/// <summary>
/// A command request was refused. The router turns it into an error reply with <see cref="Code"/>,
/// the message and <see cref="Field"/>; handlers throw it before they change anything.
/// </summary>
public sealed class CommandException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="code">A code from <see cref="CommandErrorCodes"/>.</param>
    /// <param name="field">The JSON path of the field at fault, or null.</param>
    /// <param name="message">A sentence naming the field, what was expected and what came.</param>
    /// <param name="innerException">The parse or I/O error behind it, if any.</param>
    public CommandException(string code, string? field, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        Code = code;
        Field = field;
    }

    /// <summary>A code from <see cref="CommandErrorCodes"/>.</summary>
    public string Code { get; }

    /// <summary>The JSON path of the field at fault, or null.</summary>
    public string? Field { get; }

    /// <summary>The error as it goes into a reply.</summary>
    public CommandError ToError() => new() { Code = Code, Message = Message, Field = Field };
}
