namespace EdgeTransfer.Mqtt.Commands;

/// <summary>Carries out one command. Throws <see cref="CommandException"/> to refuse it, before changing anything.</summary>
/// <typeparam name="TRequest">The validated request type.</typeparam>
/// <param name="request">The request, already parsed and validated.</param>
/// <param name="context">Who and what the request is about.</param>
/// <param name="cancellationToken">Stops the handler when the device shuts down.</param>
public delegate ValueTask<CommandResult> CommandHandler<in TRequest>(TRequest request, CommandContext context, CancellationToken cancellationToken)
    where TRequest : CommandRequest;
