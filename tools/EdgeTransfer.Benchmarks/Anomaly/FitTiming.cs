using System.Numerics.Tensors;
using System.Text.Json;
using EdgeTransfer.Runtime.Anomaly;

namespace EdgeTransfer.Benchmarks.Anomaly;

/// <summary>
/// The time of one device-default fit from a given number of good parts, by step. Where the category has
/// fewer training images, they are repeated up to the count: the fit's cost (embedding, greedy coreset over
/// every patch, scoring the held-out share) depends on the number of patches, not on their values. Each round of
/// repeats is scaled by another 3 %, so that the fit does not set them aside as copies (it does below 1 %).
/// </summary>
/// <param name="Parts">Good parts fitted on.</param>
/// <param name="DistinctImages">Distinct images among them.</param>
/// <param name="EmbedSeconds">Embedding the bank's parts.</param>
/// <param name="CoresetSeconds">The greedy coreset.</param>
/// <param name="CalibrationSeconds">Scoring the held-out parts and choosing the threshold.</param>
/// <param name="BankBytes">The bank's bytes.</param>
public sealed record FitTiming(int Parts, int DistinctImages, double EmbedSeconds, double CoresetSeconds, double CalibrationSeconds, long BankBytes)
{
    /// <summary>The whole fit.</summary>
    public double TotalSeconds => EmbedSeconds + CoresetSeconds + CalibrationSeconds;

    /// <summary>Fits the device default on <paramref name="parts"/> good parts cycled from <paramref name="images"/>.</summary>
    internal static FitTiming Measure(IReadOnlyList<AnomalyFeatures> images, int parts, BankConfiguration configuration, CancellationToken cancellationToken)
    {
        var samples = Enumerable.Range(0, parts).Select(i => new AnomalySample(Repeat(images[i % images.Count], i / images.Count), false)).ToArray();
        var fit = new AnomalyFitter(configuration.Options).Fit(samples, cancellationToken: cancellationToken);
        return new FitTiming(parts, Math.Min(parts, images.Count), fit.EmbedTime.TotalSeconds, fit.CoresetTime.TotalSeconds, fit.CalibrationTime.TotalSeconds, fit.BankBytes);
    }

    private static AnomalyFeatures Repeat(AnomalyFeatures image, int round)
    {
        if (round == 0)
        {
            return image;
        }

        var scale = MathF.Pow(1.03f, round);
        return new AnomalyFeatures(Scaled(image.Stage2, scale), Scaled(image.Stage3, scale));
    }

    private static FeatureMap Scaled(FeatureMap map, float scale)
    {
        var values = map.Values.ToArray();
        TensorPrimitives.Multiply(values, scale, values);
        return new FeatureMap(values, map.Shape);
    }

    /// <summary>Writes the timing as a JSON object.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="name">The property name.</param>
    public void WriteJson(Utf8JsonWriter writer, string name)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject(name);
        writer.WriteNumber("parts", Parts);
        writer.WriteNumber("distinctImages", DistinctImages);
        Json.WriteNumber(writer, "seconds", TotalSeconds);
        Json.WriteNumber(writer, "embedSeconds", EmbedSeconds);
        Json.WriteNumber(writer, "coresetSeconds", CoresetSeconds);
        Json.WriteNumber(writer, "calibrationSeconds", CalibrationSeconds);
        writer.WriteNumber("bankBytes", BankBytes);
        writer.WriteEndObject();
    }
}
