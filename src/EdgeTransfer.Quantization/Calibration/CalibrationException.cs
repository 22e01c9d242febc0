namespace EdgeTransfer.Quantization.Calibration;

/// <summary>Calibration could not produce ranges: no images, a batch that does not fit the model, NaN activations.</summary>
public sealed class CalibrationException : EdgeTransferException
{
    /// <summary>Creates the error.</summary>
    /// <param name="message">What went wrong and what to do, as sentences.</param>
    /// <param name="imagesUsed">The images run before the error.</param>
    /// <param name="innerException">The runtime error behind it, if any.</param>
    public CalibrationException(string message, int imagesUsed, Exception? innerException = null)
        : base(message, innerException)
    {
        ImagesUsed = imagesUsed;
    }

    /// <summary>The images run through the model before the error.</summary>
    public int ImagesUsed { get; }
}
