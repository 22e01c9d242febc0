namespace EdgeTransfer.Artifacts.Json;

/// <summary>What is wrong with a JSON value that <see cref="JsonShape"/> checked against its contract.</summary>
public enum JsonShapeProblemKind
{
    /// <summary>A value of the wrong JSON kind (a text for a number, a fraction for a whole number, null for a list …).</summary>
    WrongType,

    /// <summary>A text that is not one of the values of an enumeration.</summary>
    NotAllowed,

    /// <summary>A number of the right kind that does not fit its type (reported as such only where the dialect asks for it).</summary>
    OutOfRange,

    /// <summary>A key that appears twice in the same object (RFC 8259 §4 leaves the meaning to the reader; we refuse it).</summary>
    DuplicateKey,

    /// <summary>A key that the contract does not have (usually a typo).</summary>
    UnknownKey,

    /// <summary>A key that the contract needs and the document lacks.</summary>
    MissingKey,

    /// <summary>What the shape check cannot see and the deserializer still refused.</summary>
    Unreadable,
}
