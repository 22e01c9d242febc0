namespace EdgeTransfer;

/// <summary>A graph edit cannot be done: a named tensor does not exist, an operator is not supported, …</summary>
public sealed class GraphException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">The full sentence for the user.</param>
    /// <param name="tensorName">The tensor or node the error is about, if any.</param>
    /// <param name="suggestions">Close names the user may have meant.</param>
    public GraphException(string message, string? tensorName = null, IReadOnlyList<string>? suggestions = null)
        : base(message)
    {
        TensorName = tensorName;
        Suggestions = suggestions ?? [];
    }

    /// <summary>The tensor or node the error is about, if any.</summary>
    public string? TensorName { get; }

    /// <summary>Close names the user may have meant (may be empty).</summary>
    public IReadOnlyList<string> Suggestions { get; }
}
