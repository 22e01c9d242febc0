namespace EdgeTransfer.Mqtt.Commands;

/// <summary><c>cmd/collect</c>: start or stop labelling every frame as <see cref="Label"/>.</summary>
public sealed record CollectRequest : CommandRequest
{
    /// <summary><c>start</c> or <c>stop</c>.</summary>
    public required CollectAction Action { get; init; }

    /// <summary>The class name; required to start.</summary>
    public string? Label { get; init; }

    /// <summary>Stop after this many samples, 1 to 100,000; null for no limit.</summary>
    public int? MaxSamples { get; init; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Action == CollectAction.Start && Label is null)
        {
            throw new CommandException(CommandErrorCodes.MissingField, "label", "label: expected the class name to collect, got nothing; \"start\" needs a label.");
        }

        RequestChecks.Id("label", Label);
        RequestChecks.Range("maxSamples", MaxSamples, 1, 100_000);
    }
}
