namespace EdgeTransfer.Artifacts.Json;

/// <summary>
/// How one kind of document words and weighs the problems <see cref="JsonShape"/> finds: bundle manifests and specs,
/// <c>device.json</c> (written by technicians: sections, hints) and MQTT command bodies (sent by programs: fields,
/// range errors with their own error codes). The checks themselves are the same for all.
/// </summary>
public sealed class JsonShapeDialect
{
    /// <summary>Bundle manifests, preprocessing specs and checkpoint headers: every non-nullable key is required.</summary>
    public static JsonShapeDialect Documents { get; } = new() { NonNullableKeysAreRequired = true };

    /// <summary>What an object is called in messages, with its article: <c>an object</c>, <c>a section</c>.</summary>
    public string ObjectNoun { get; init; } = "an object";

    /// <summary>What to do about a duplicate key, ending <c>appears twice; …</c>.</summary>
    public string DuplicateAdvice { get; init; } = "keep one";

    /// <summary>Appended to <c>expected …, got null</c> (such as <c>; leave the key out to take the default</c>); empty for none.</summary>
    public string NullAdvice { get; init; } = "";

    /// <summary>
    /// Whether a missing key whose type does not allow null is an error even when the contract does not mark it
    /// <c>required</c>: the generated reader sets a missing init-only object or list to null rather than leaving its default.
    /// </summary>
    public bool NonNullableKeysAreRequired { get; init; }

    /// <summary>Whether an unknown enumeration value gets a "did you mean" hint.</summary>
    public bool SuggestValues { get; init; }

    /// <summary>Whether a number too large for its type is <see cref="JsonShapeProblemKind.OutOfRange"/> with its bound, rather than a wrong type.</summary>
    public bool ReportRange { get; init; }

    /// <summary>
    /// The reason given for an unknown key, from the key, the keys allowed there and the path of the object (empty at
    /// the top level); null for <c>is not a known key (did you mean …?); the keys of … are …</c>.
    /// </summary>
    public Func<string, IReadOnlyCollection<string>, string, string>? UnknownKeyReason { get; init; }
}
