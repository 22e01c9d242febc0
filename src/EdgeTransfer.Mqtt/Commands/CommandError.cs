namespace EdgeTransfer.Mqtt.Commands;

/// <summary>The error part of a <see cref="CommandReplyMessage"/>.</summary>
public sealed record CommandError
{
    /// <summary>A stable code from <see cref="CommandErrorCodes"/> that programs branch on.</summary>
    public string Code { get; init; } = "";

    /// <summary>A sentence a technician can act on: which field, what was expected, what came.</summary>
    public string Message { get; init; } = "";

    /// <summary>The JSON path of the field at fault (<c>epochs</c>, <c>set.threshold</c>), or null.</summary>
    public string? Field { get; init; }
}
