using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Onnx.Quantization;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Quantization.Calibration;

/// <summary>
/// Measures activation ranges for static quantization: runs a copy of the float model whose outputs include
/// every tensor <see cref="QdqQuantizer.PlanCalibration"/> names, over the caller's preprocessed batches, with
/// ONNX Runtime on the CPU.
/// </summary>
public static class ActivationCalibrator
{
    /// <summary>Calibrates <paramref name="floatModel"/>.</summary>
    /// <param name="floatModel">The float model that will be quantized (not changed).</param>
    /// <param name="batches">Preprocessed input batches, enumerated once; each is released after use.</param>
    /// <param name="options">The quantization options (method, percentile, excluded nodes); null for the defaults.</param>
    /// <param name="sessionOptions">ONNX Runtime settings (threads); null for the defaults. The caller keeps ownership.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <returns>The ranges and the number of images used.</returns>
    /// <exception cref="CalibrationException">No batch, a batch that does not fit the model's input, non-finite inputs, or ORT fails.</exception>
    /// <exception cref="GraphException">The model cannot be quantized (opset older than 13, no graph).</exception>
    public static CalibrationResult Calibrate(
        ModelProto floatModel,
        IEnumerable<CalibrationBatch> batches,
        QuantizationOptions? options = null,
        SessionOptions? sessionOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(floatModel);
        ArgumentNullException.ThrowIfNull(batches);
        options ??= QuantizationOptions.Default;
        var plan = QdqQuantizer.PlanCalibration(floatModel, options);
        var augmented = CalibrationGraph.AddOutputs(floatModel, plan.Tensors);

        using var ownOptions = sessionOptions is null ? new SessionOptions() : null;
        var effective = sessionOptions ?? ownOptions!;
        if (ownOptions is not null)
        {
            // Basic optimizations only: the extended Conv+Relu fusions would stop at every extra output anyway.
            ownOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC;
        }

        using var session = CreateSession(augmented, effective);
        var inputNames = session.InputMetadata.Keys.ToArray();
        if (inputNames.Length != 1)
        {
            throw new CalibrationException($"The model has {inputNames.Length} inputs ({string.Join(", ", inputNames)}); calibration feeds exactly one (the image tensor).", 0);
        }

        var inputShape = session.InputMetadata[inputNames[0]].Dimensions;
        var outputNames = plan.Tensors.ToArray();
        var collectors = outputNames.ToDictionary(
            n => n,
            _ => new TensorRangeCollector(keepHistogram: options.Method == CalibrationMethod.Percentile),
            StringComparer.Ordinal);

        var images = 0;
        var batchCount = 0;
        using var runOptions = new RunOptions();
        foreach (var batch in batches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ArgumentNullException.ThrowIfNull(batch, nameof(batches));
            CheckBatch(batch, inputNames[0], inputShape, batchCount, images);
            var shape = batch.Shape.ToArray();
            using var input = OrtValue.CreateTensorValueFromMemory(batch.Data, shape);
            if (outputNames.Length > 0)
            {
                RunBatch(session, runOptions, inputNames, input, outputNames, collectors, images);
            }

            images += batch.Count;
            batchCount++;
        }

        if (images == 0)
        {
            throw new CalibrationException("Calibration got no images: the calibration set is empty (or every image was unreadable). Give at least one preprocessed image; a few hundred representative ones give stable ranges.", 0);
        }

        var ranges = new Dictionary<string, TensorRange>(StringComparer.Ordinal);
        foreach (var (name, collector) in collectors)
        {
            if (collector.Count == 0)
            {
                throw new CalibrationException($"Tensor '{name}' produced only NaN or infinite values over {images} images; the model or its preprocessing is broken.", images);
            }

            var range = options.Method == CalibrationMethod.Percentile ? collector.PercentileRange(options.Percentile) : collector.MinMaxRange();
            if (plan.NonNegativeTensors.Contains(name))
            {
                range = new TensorRange(0f, Math.Max(range.Max, 0f));
            }

            ranges[name] = range;
        }

        return new CalibrationResult
        {
            Ranges = ranges,
            Method = options.Method,
            Percentile = options.Percentile,
            ImagesUsed = images,
            BatchesUsed = batchCount,
        };
    }

    private static InferenceSession CreateSession(ModelProto model, SessionOptions options)
    {
        try
        {
            return new InferenceSession(model.ToByteArray(), options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CalibrationException($"ONNX Runtime cannot load the calibration copy of the model: {ex.Message}", 0, ex);
        }
    }

    private static void RunBatch(
        InferenceSession session,
        RunOptions runOptions,
        string[] inputNames,
        OrtValue input,
        string[] outputNames,
        Dictionary<string, TensorRangeCollector> collectors,
        int imagesSoFar)
    {
        IDisposableReadOnlyCollection<OrtValue> outputs;
        try
        {
            outputs = session.Run(runOptions, inputNames, [input], outputNames);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CalibrationException($"ONNX Runtime failed on the calibration batch after image {imagesSoFar}: {ex.Message}", imagesSoFar, ex);
        }

        using (outputs)
        {
            for (var i = 0; i < outputNames.Length; i++)
            {
                collectors[outputNames[i]].Add(outputs[i].GetTensorDataAsSpan<float>());
            }
        }
    }

    private static void CheckBatch(CalibrationBatch batch, string inputName, int[] inputShape, int index, int images)
    {
        var shape = batch.Shape;
        var fits = shape.Count == inputShape.Length;
        for (var d = 0; fits && d < shape.Count; d++)
        {
            fits = inputShape[d] <= 0 || inputShape[d] == shape[d];
        }

        if (!fits)
        {
            throw new CalibrationException($"Calibration batch {index} has shape [{string.Join(",", shape)}] but input '{inputName}' takes [{string.Join(",", inputShape.Select(d => d <= 0 ? "N" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]; preprocess the images to the model's input size.", images);
        }

        foreach (var v in batch.Data)
        {
            if (!float.IsFinite(v))
            {
                throw new CalibrationException($"Calibration batch {index} contains NaN or infinite values; the preprocessing produced invalid input.", images);
            }
        }
    }
}
