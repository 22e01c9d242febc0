namespace EdgeTransfer.Fuzzing;

/// <summary>A surface saw its input break a promise without an exception (e.g. an MQTT reply carrying raw .NET text).</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Creates the error.</summary>
    public FuzzInvariantException()
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="message">What was broken.</param>
    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error.</summary>
    /// <param name="message">What was broken.</param>
    /// <param name="innerException">The cause.</param>
    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
