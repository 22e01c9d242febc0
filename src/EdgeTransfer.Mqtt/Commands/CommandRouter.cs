using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeTransfer.Mqtt.Protocol;

namespace EdgeTransfer.Mqtt.Commands;

/// <summary>
/// Maps command names to handlers with typed, validated requests, and turns every request (good or bad)
/// into exactly one reply. A request that fails any check gets an error reply and reaches no handler.
/// </summary>
/// <remarks>
/// Handlers run one at a time, in arrival order: commands change the device's state (labels, heads,
/// bundles), and a device has one line to serve, so concurrency would only add races.
/// </remarks>
public sealed class CommandRouter : IDisposable
{
    private const string JsonContentType = "application/json";
    private readonly Dictionary<string, Registration> _handlers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _replyPrefix;

    /// <summary>Creates a router for one device.</summary>
    /// <param name="fleet">The device's fleet id.</param>
    /// <param name="device">The device id.</param>
    /// <param name="options">Parser limits; null for the defaults.</param>
    public CommandRouter(string fleet, string device, CommandRouterOptions? options = null)
    {
        Fleet = ProtocolIds.RequireId(fleet, "fleet");
        Device = ProtocolIds.RequireId(device, "device");
        Options = options ?? new CommandRouterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxPayloadBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxDepth, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxCorrelationDataBytes, 1);
        _replyPrefix = $"{DeviceTopic.Prefix}/{Fleet}/{Device}/reply/";
    }

    /// <summary>The fleet id.</summary>
    public string Fleet { get; }

    /// <summary>The device id.</summary>
    public string Device { get; }

    /// <summary>The parser limits.</summary>
    public CommandRouterOptions Options { get; }

    /// <summary>The registered command names.</summary>
    public IReadOnlyCollection<string> Names => _handlers.Keys;

    /// <summary>The largest body any registered command (or an unknown one) may have, in bytes: the device's largest legal request.</summary>
    public int LargestPayloadBytes => _handlers.Values.Select(r => r.MaxPayloadBytes).Append(Options.MaxPayloadBytes).Max();

    /// <summary>The body limit of the command published on <paramref name="topic"/> (the default limit for an unknown or invalid one).</summary>
    /// <param name="topic">The topic name a request arrived on.</param>
    public int PayloadLimitOf(string topic) =>
        NameOf(topic) is { } name && _handlers.TryGetValue(name, out var registration) ? registration.MaxPayloadBytes : Options.MaxPayloadBytes;

    /// <summary>Registers <paramref name="handler"/> for <c>cmd/{name}</c>.</summary>
    /// <typeparam name="TRequest">The request record.</typeparam>
    /// <param name="name">The command name (<c>a–z 0–9 -</c>).</param>
    /// <param name="requestInfo">The request's source-generated contract (e.g. <c>ProtocolJsonContext.Default.TrainRequest</c>).</param>
    /// <param name="handler">Carries the command out.</param>
    /// <param name="maxPayloadBytes">This command's body limit, or null for <see cref="CommandRouterOptions.MaxPayloadBytes"/>.</param>
    /// <exception cref="InvalidOperationException">The name is registered already.</exception>
    public void Register<TRequest>(string name, JsonTypeInfo<TRequest> requestInfo, CommandHandler<TRequest> handler, int? maxPayloadBytes = null)
        where TRequest : CommandRequest
    {
        ArgumentNullException.ThrowIfNull(requestInfo);
        ArgumentNullException.ThrowIfNull(handler);
        Add(name, new Registration<TRequest>(requestInfo, handler, null, maxPayloadBytes ?? Options.MaxPayloadBytes));
    }

    /// <summary>Registers the <c>config</c> command: only keys of <paramref name="allowList"/>, each type- and range-checked, reach <paramref name="handler"/>.</summary>
    /// <param name="allowList">The keys that may be set.</param>
    /// <param name="handler">Applies the values (all or none).</param>
    public void RegisterConfig(ConfigAllowList allowList, CommandHandler<ConfigRequest> handler)
    {
        ArgumentNullException.ThrowIfNull(allowList);
        ArgumentNullException.ThrowIfNull(handler);
        Add("config", new Registration<ConfigRequest>(ProtocolJsonContext.Default.ConfigRequest, handler, allowList.Validate, Options.MaxPayloadBytes));
    }

    /// <summary>
    /// Checks <paramref name="command"/> (topic, response topic, correlation data, content type, size,
    /// encoding, JSON, schema, fields, ranges), runs its handler if all pass, and returns the reply.
    /// Never throws for bad input; only cancellation escapes.
    /// </summary>
    /// <param name="command">The request as received.</param>
    /// <param name="cancellationToken">Stops waiting for or running the handler.</param>
    public async Task<CommandDispatch> DispatchAsync(IncomingCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var name = NameOf(command.Topic);
        var (replyTopic, replyTopicError) = ReplyTopicFor(command.ResponseTopic, _replyPrefix + (name ?? "invalid"));
        var correlation = CorrelationOf(command);
        var reply = new CommandReplyMessage { Command = name ?? "invalid" };
        try
        {
            if (name is null)
            {
                throw new CommandException(CommandErrorCodes.UnknownCommand, null, $"Topic {ProtocolIds.Quote(command.Topic)} is not a command topic of this device; expected {_replyPrefix[..^6]}cmd/{{name}} with a name of a–z 0–9 -.");
            }

            if (command.Retained)
            {
                // A retained request is stored by the broker and handed out again on every subscribe: taken as a
                // command, it would run again after every reconnect or restart.
                throw new CommandException(CommandErrorCodes.RetainedRefused, null, $"The request on {command.Topic} carries the retain flag; commands are never taken from retained messages (they would run again on every reconnect). Publish it without retain, and clear the retained one with an empty retained message on that topic.");
            }

            if (replyTopicError is not null)
            {
                throw replyTopicError;
            }

            if (correlation is null)
            {
                throw new CommandException(CommandErrorCodes.MissingCorrelationData, null, command.CorrelationData is { Length: > 0 }
                    ? $"The correlation data is {command.CorrelationData.Value.Length} bytes; send 1 to {Options.MaxCorrelationDataBytes} (MQTT 5 §3.3.2.3.6), e.g. a 16-byte UUID."
                    : "The request has no correlation data; send 1 to 64 bytes (MQTT 5 §3.3.2.3.6) so the reply can be matched to it.");
            }

            if (command.ContentType is { } contentType && !IsJson(contentType))
            {
                throw new CommandException(CommandErrorCodes.WrongContentType, null, $"The content type is {ProtocolIds.Quote(contentType)}; send \"{JsonContentType}\" or none (MQTT 5 §3.3.2.3.9).");
            }

            if (!_handlers.TryGetValue(name, out var registration))
            {
                throw new CommandException(CommandErrorCodes.UnknownCommand, null, $"Command {ProtocolIds.Quote(name)} is not known to this device; the commands are {string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal))}.");
            }

            if (command.Payload.Length > registration.MaxPayloadBytes)
            {
                throw new CommandException(CommandErrorCodes.PayloadTooLarge, null, $"The payload is {command.Payload.Length:N0} bytes; {name} takes at most {registration.MaxPayloadBytes:N0}.");
            }

            object request;
            using (var document = StrictJson.Parse(command.Payload, Options.MaxDepth))
            {
                request = registration.Parse(document.RootElement);
            }

            var context = new CommandContext { Fleet = Fleet, Device = Device, Command = name, CorrelationData = correlation };
            await _gate.WaitAsync(cancellationToken);
            try
            {
                var result = await registration.RunAsync(request, context, cancellationToken);
                reply = reply with { Ok = true, Result = result.Value };
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (CommandException ex)
        {
            reply = reply with { Ok = false, Error = ex.ToError() };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A handler bug or an I/O failure: the reply says so (the handler is responsible for having
            // changed nothing), and the agent keeps serving.
            reply = reply with { Ok = false, Error = new CommandError { Code = CommandErrorCodes.Failed, Message = $"{name} failed: {ex.Message}" } };
        }

        return new CommandDispatch { ReplyTopic = replyTopic, CorrelationData = correlation, Reply = reply };
    }

    /// <summary>
    /// The reply for a request the device will not take now (e.g. <see cref="CommandErrorCodes.Busy"/>), sent where
    /// <see cref="DispatchAsync"/> would send it, without reading the body or running a handler.
    /// </summary>
    /// <param name="command">The request as received.</param>
    /// <param name="code">A code from <see cref="CommandErrorCodes"/>.</param>
    /// <param name="message">A sentence saying why and what to do.</param>
    public CommandDispatch Refuse(IncomingCommand command, string code, string message)
    {
        ArgumentNullException.ThrowIfNull(command);
        var name = NameOf(command.Topic);
        var (replyTopic, _) = ReplyTopicFor(command.ResponseTopic, _replyPrefix + (name ?? "invalid"));
        var error = new CommandException(code, null, message).ToError();
        return new CommandDispatch { ReplyTopic = replyTopic, CorrelationData = CorrelationOf(command), Reply = new CommandReplyMessage { Command = name ?? "invalid", Ok = false, Error = error } };
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private string? NameOf(string topic) =>
        DeviceTopic.TryParse(topic, out var parsed) && parsed.Kind == TopicKind.Command && parsed.Fleet == Fleet && parsed.Device == Device ? parsed.Name! : null;

    private byte[]? CorrelationOf(IncomingCommand command) =>
        command.CorrelationData is { Length: > 0 } c && c.Length <= Options.MaxCorrelationDataBytes ? c.ToArray() : null;

    private static bool IsJson(string contentType) =>
        contentType.Split(';', 2)[0].Trim().Equals(JsonContentType, StringComparison.OrdinalIgnoreCase);

    private (string Topic, CommandException? Error) ReplyTopicFor(string? responseTopic, string fallback)
    {
        if (string.IsNullOrEmpty(responseTopic))
        {
            return (fallback, new CommandException(CommandErrorCodes.MissingResponseTopic, null, $"The request has no response topic (MQTT 5 §3.3.2.3.5); this reply went to {fallback}. Send {_replyPrefix}{{name}}."));
        }

        // Replies stay in the device's own subtree: the broker's ACL allows nothing else, and a device
        // must not be made to publish on topics a request names (MQTT 5 §4.10 leaves this to the application).
        if (!responseTopic.StartsWith(_replyPrefix, StringComparison.Ordinal) || !ProtocolIds.IsValidCommandName(responseTopic[_replyPrefix.Length..]))
        {
            return (fallback, new CommandException(CommandErrorCodes.InvalidResponseTopic, null, $"The response topic {ProtocolIds.Quote(responseTopic)} is not allowed; send {_replyPrefix}{{name}}. This reply went to {fallback}."));
        }

        return (responseTopic, null);
    }

    private void Add(string name, Registration registration)
    {
        ProtocolIds.RequireCommandName(name, "command");
        if (!_handlers.TryAdd(name, registration))
        {
            throw new InvalidOperationException($"Command '{name}' has a handler already.");
        }
    }

    private abstract class Registration(int maxPayloadBytes)
    {
        public int MaxPayloadBytes { get; } = maxPayloadBytes;

        public abstract object Parse(JsonElement root);

        public abstract ValueTask<CommandResult> RunAsync(object request, CommandContext context, CancellationToken cancellationToken);
    }

    private sealed class Registration<TRequest>(JsonTypeInfo<TRequest> info, CommandHandler<TRequest> handler, Action<TRequest>? extra, int maxPayloadBytes)
        : Registration(maxPayloadBytes)
        where TRequest : CommandRequest
    {
        public override object Parse(JsonElement root)
        {
            var request = StrictJson.Read(root, info);
            request.Validate();
            extra?.Invoke(request);
            return request;
        }

        public override ValueTask<CommandResult> RunAsync(object request, CommandContext context, CancellationToken cancellationToken) =>
            handler((TRequest)request, context, cancellationToken);
    }
}
