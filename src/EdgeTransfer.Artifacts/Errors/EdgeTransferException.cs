namespace EdgeTransfer;

/// <summary>
/// Base of every error the SDK raises on purpose. Messages are sentences a technician can act on:
/// what went wrong, with which file or value, what was expected, and what to do.
/// </summary>
/// <remarks>
/// Catch this type to separate "the input is bad" (exit code 1, a clear message) from a bug.
/// Native errors (ONNX Runtime, MQTTnet, file system) are kept as <see cref="Exception.InnerException"/>.
/// </remarks>
public class EdgeTransferException : Exception
{
    /// <summary>Creates an error with a message.</summary>
    public EdgeTransferException()
    {
    }

    /// <summary>Creates an error with a message.</summary>
    /// <param name="message">What went wrong and what to do about it.</param>
    public EdgeTransferException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an error with a message that wraps its cause.</summary>
    /// <param name="message">What went wrong and what to do about it.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public EdgeTransferException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
