namespace EdgeTransfer.Mqtt.Client;

/// <summary>A failed connection attempt in one sentence for the log: what the operating system said, not the stack.</summary>
internal static class ConnectFailure
{
    /// <summary>
    /// The innermost message of <paramref name="exception"/> (the socket's "Connection refused", "Name or service not
    /// known", the TLS handshake's reason), with the outer one in front when it adds something.
    /// </summary>
    /// <param name="exception">What the connection attempt threw.</param>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = exception;
        while (inner.InnerException is { } next)
        {
            inner = next;
        }

        var innermost = inner.Message.Trim().TrimEnd('.');
        var outer = exception.Message.Trim().TrimEnd('.');
        return ReferenceEquals(inner, exception) || outer.Contains(innermost, StringComparison.Ordinal)
            ? outer
            : $"{innermost} ({outer})";
    }
}
