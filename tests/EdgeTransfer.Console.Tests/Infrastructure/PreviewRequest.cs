using EdgeTransfer.Mqtt.Commands;

namespace EdgeTransfer.LineConsole.Tests.Infrastructure;

/// <summary><c>cmd/preview</c> as docs/console.md defines it, for the simulated device.</summary>
public sealed record PreviewRequest : CommandRequest
{
    /// <summary>The thumbnail side asked for, 8 to 96.</summary>
    public int? Size { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Size is < 8 or > 96)
        {
            throw new CommandException(CommandErrorCodes.OutOfRange, "size", $"size: expected 8 to 96, got {Size}.");
        }
    }
}
