namespace EdgeTransfer.Mqtt.Commands;

/// <summary>The codes of <see cref="CommandError.Code"/>. Stable: the fleet tool and scripts branch on them.</summary>
public static class CommandErrorCodes
{
    /// <summary>The payload is larger than the command allows.</summary>
    public const string PayloadTooLarge = "payload_too_large";

    /// <summary>The payload is empty.</summary>
    public const string EmptyPayload = "empty_payload";

    /// <summary>The payload is not valid UTF-8 (MQTT 5 §1.5.4 applies to strings; we ask the same of JSON bodies).</summary>
    public const string NotUtf8 = "not_utf8";

    /// <summary>The payload is not valid JSON (syntax error, NaN/Infinity literal, trailing data, comment).</summary>
    public const string InvalidJson = "invalid_json";

    /// <summary>The JSON is nested deeper than allowed.</summary>
    public const string TooDeep = "too_deep";

    /// <summary>A key appears twice in one object.</summary>
    public const string DuplicateKey = "duplicate_key";

    /// <summary>A key the command does not know.</summary>
    public const string UnknownField = "unknown_field";

    /// <summary>A required key is absent.</summary>
    public const string MissingField = "missing_field";

    /// <summary>A value of the wrong JSON type (text for a number, a fraction for a whole number, null …).</summary>
    public const string WrongType = "wrong_type";

    /// <summary>A number outside its allowed range (negative, zero, too large, not finite).</summary>
    public const string OutOfRange = "out_of_range";

    /// <summary>A text value that is not allowed (a name with '/', '..', a bad digest, an unknown option …).</summary>
    public const string InvalidValue = "invalid_value";

    /// <summary>The <c>schema</c> is not <c>edgetransfer/v1</c>.</summary>
    public const string UnsupportedSchema = "unsupported_schema";

    /// <summary>No handler is registered for the command name.</summary>
    public const string UnknownCommand = "unknown_command";

    /// <summary>The request has no MQTT 5 response topic; the reply went to the device's <c>reply/{name}</c>.</summary>
    public const string MissingResponseTopic = "missing_response_topic";

    /// <summary>The response topic is not this device's <c>reply/{name}</c> topic.</summary>
    public const string InvalidResponseTopic = "invalid_response_topic";

    /// <summary>The request has no MQTT 5 correlation data (or too much of it).</summary>
    public const string MissingCorrelationData = "missing_correlation_data";

    /// <summary>The MQTT 5 content type is set and is not <c>application/json</c>.</summary>
    public const string WrongContentType = "wrong_content_type";

    /// <summary>A <c>config</c> key is not on the allow-list.</summary>
    public const string ConfigKeyNotAllowed = "config_key_not_allowed";

    /// <summary>The request came with the retain flag: commands are never taken from retained messages.</summary>
    public const string RetainedRefused = "retained_refused";

    /// <summary>The device cannot do it now (another training runs, a deployment is in progress, earlier commands still fill its intake …).</summary>
    public const string Busy = "busy";

    /// <summary>The request names something the device does not have (a frame, a head version, a deployment).</summary>
    public const string NotFound = "not_found";

    /// <summary>A deployment chunk or bundle does not match its sha256.</summary>
    public const string DigestMismatch = "digest_mismatch";

    /// <summary>The handler failed; nothing was changed. The message says why.</summary>
    public const string Failed = "failed";
}
