using System.Globalization;
using EdgeTransfer.Artifacts.Checkpoints;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Artifacts.Randomness;
using Microsoft.ML.OnnxRuntime;

namespace EdgeTransfer.Training;

/// <summary>
/// Trains a head by running a bundle's training graph (loss and gradients) and optimizer graph (one
/// step) with ONNX Runtime over feature arrays: minibatches, epochs, seeded shuffling.
/// </summary>
/// <remarks>
/// <para>Parameters and optimizer state stay in native <see cref="OrtValue"/>s between steps: the
/// optimizer graph reads one set and writes a second, pre-allocated set, and the two swap roles, so a
/// step allocates nothing. The last, smaller batch of an epoch uses a second set of input buffers.</para>
/// <para>The learning rate follows <see cref="HeadTrainerOptions.Schedule"/> from epoch to epoch. An epoch
/// callback (<see cref="Train(FeatureSet, Func{EpochProgress, EpochDecision}, CancellationToken)"/>) can stop a
/// run early and have it end on the best epoch's parameters, kept in a second managed copy.</para>
/// <para>A run that fails — loss NaN, infinite or above <see cref="HeadTrainerOptions.LossLimit"/>,
/// bad data, cancellation, a runtime error — leaves the parameters, state and step as they were at its
/// start. The trainer owns its buffers and, unless it borrows them, its sessions; it is not thread-safe.</para>
/// </remarks>
public sealed class HeadTrainer : IDisposable
{
    private readonly string _trainName;
    private readonly string _optimizerName;
    private readonly RunOptions _runOptions;
    private readonly InferenceSession _train;
    private readonly InferenceSession _optimizer;
    private readonly TensorSlot[] _parameters;
    private readonly TensorSlot[] _states;
    private readonly TensorSlot[] _slots;
    private readonly OrtValue[] _gradients;
    private readonly OrtValue _loss;
    private readonly OrtValue _learningRate;
    private readonly OrtValue _weightDecay;
    private readonly OrtValue _step;
    private readonly OrtValue _labelSmoothing;
    private readonly OrtValue _classWeights;
    private readonly float[] _classWeightValues;
    private readonly string[] _trainInputNames;
    private readonly string[] _trainOutputNames;
    private readonly OrtValue[] _trainOutputs;
    private readonly string[] _optimizerInputNames;
    private readonly string[] _optimizerOutputNames;
    private readonly OrtValue[][] _optimizerInputs;
    private readonly OrtValue[][] _optimizerOutputs;
    private readonly int _batchSize;
    private readonly int _epochs;
    private readonly int _seed;
    private readonly bool _shuffle;
    private readonly float _lossLimit;
    private readonly double _baseLearningRate;
    private readonly LearningRateSchedule _schedule;
    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly List<IDisposable> _owned = [];
    private int _side;
    private long _stepCount;
    private bool _disposed;

    /// <summary>Creates a trainer from the graphs' bytes, starting from <paramref name="start"/>.</summary>
    /// <param name="trainingModel">The bytes of <c>train.onnx</c>.</param>
    /// <param name="optimizerModel">The bytes of <c>optimizer.onnx</c>.</param>
    /// <param name="start">The parameters, optimizer state and step to start from; copied, not kept.</param>
    /// <param name="options">How to train; defaults when null.</param>
    /// <param name="trainingModelName">The name used for the training graph in errors.</param>
    /// <param name="optimizerModelName">The name used for the optimizer graph in errors.</param>
    /// <exception cref="InvalidSettingException">An option is invalid (named in the message).</exception>
    /// <exception cref="ModelFormatException">ONNX Runtime cannot load a graph.</exception>
    /// <exception cref="TrainingException">The graphs and the checkpoint do not fit together.</exception>
    public HeadTrainer(
        byte[] trainingModel,
        byte[] optimizerModel,
        HeadCheckpoint start,
        HeadTrainerOptions? options = null,
        string trainingModelName = "train.onnx",
        string optimizerModelName = "optimizer.onnx")
        : this(Open(trainingModel, optimizerModel, start, options ??= new HeadTrainerOptions(), trainingModelName, optimizerModelName), ownsSessions: true, start, options)
    {
    }

    /// <summary>A trainer on sessions it borrows (opened with <paramref name="options"/>' runtime settings) and does not close.</summary>
    internal HeadTrainer(HeadSessions sessions, HeadCheckpoint start, HeadTrainerOptions options)
        : this(sessions, ownsSessions: false, start, options)
    {
    }

    private HeadTrainer(HeadSessions sessions, bool ownsSessions, HeadCheckpoint start, HeadTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(options);
        if (ownsSessions)
        {
            // First, so that a refusal below still closes the sessions this trainer was handed to own.
            _owned.Add(sessions);
        }

        _trainName = sessions.TrainName;
        _optimizerName = sessions.OptimizerName;
        _batchSize = options.BatchSize;
        _epochs = options.Epochs;
        _seed = options.Seed;
        _shuffle = options.Shuffle;
        _lossLimit = options.LossLimit;
        _baseLearningRate = options.LearningRate;
        _schedule = options.Schedule;
        _metadata = start.Metadata;
        _stepCount = start.Step;

        try
        {
            HeadTrainerOptionsValidator.Validate(options);
            _runOptions = Own(new RunOptions());
            _train = sessions.Train;
            _optimizer = sessions.Optimizer;

            var trainInputs = _train.InputMetadata;
            FeatureSize = HeadGraphBinding.FixedDimension(_trainName, trainInputs, HeadGraphNames.Features, 1);
            ClassCount = HeadGraphBinding.FixedDimension(_trainName, trainInputs, HeadGraphNames.ClassWeights, 0);
            HeadTrainerOptionsValidator.Validate(options, ClassCount);

            // Parameters are the training graph's inputs other than the data, in graph order.
            _parameters = [.. _train.InputNames.Where(n => !HeadGraphNames.IsTrainingDataInput(n)).Select(n => Own(HeadGraphBinding.Slot(start.Parameters, n, trainInputs[n], "parameter")))];
            if (_parameters.Length == 0)
            {
                throw HeadGraphBinding.Mismatch($"graph '{_trainName}' has no parameter inputs");
            }

            var parameterNames = _parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var optimizerInputs = _optimizer.InputMetadata;
            _states = [.. _optimizer.InputNames
                .Where(n => n is not (HeadGraphNames.LearningRate or HeadGraphNames.WeightDecay or HeadGraphNames.Step)
                    && !parameterNames.Contains(n) && !n.StartsWith(HeadGraphNames.GradientPrefix, StringComparison.Ordinal))
                .Select(n => Own(HeadGraphBinding.Slot(start.OptimizerState, n, optimizerInputs[n], "optimizer state")))];

            _slots = [.. _parameters, .. _states];
            _loss = Own(TensorSlot.Allocate([]));
            _learningRate = Scalar(options.LearningRate);
            _weightDecay = Scalar(options.WeightDecay);
            _step = Scalar(0);
            _labelSmoothing = Scalar(options.LabelSmoothing);
            _classWeights = Own(TensorSlot.Allocate([ClassCount]));
            _classWeightValues = options.ClassWeights is { } cw ? [.. cw] : [.. Enumerable.Repeat(1f, ClassCount)];
            _classWeightValues.CopyTo(_classWeights.GetTensorMutableDataAsSpan<float>());
            _gradients = [.. _parameters.Select(p => Own(TensorSlot.Allocate(p.Shape)))];

            _trainInputNames = [.. _train.InputNames];
            _trainOutputNames = [.. _train.OutputNames];
            _trainOutputs = [.. _trainOutputNames.Select(TrainOutput)];
            _optimizerInputNames = [.. _optimizer.InputNames];
            _optimizerOutputNames = [.. _optimizer.OutputNames];
            _optimizerInputs = [OptimizerInputs(0), OptimizerInputs(1)];
            _optimizerOutputs = [OptimizerOutputs(0), OptimizerOutputs(1)];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    // The options are checked before any graph is loaded, so a bad setting is reported as such and costs no session.
    private static HeadSessions Open(byte[] trainingModel, byte[] optimizerModel, HeadCheckpoint start, HeadTrainerOptions options, string trainingModelName, string optimizerModelName)
    {
        ArgumentNullException.ThrowIfNull(trainingModel);
        ArgumentNullException.ThrowIfNull(optimizerModel);
        ArgumentNullException.ThrowIfNull(start);
        HeadTrainerOptionsValidator.Validate(options);
        return new HeadSessions(trainingModel, optimizerModel, options.Runtime, trainingModelName, optimizerModelName);
    }

    /// <summary>D, the feature size the training graph takes.</summary>
    public int FeatureSize { get; }

    /// <summary>C, the number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>The optimizer steps taken since the head was initialised.</summary>
    public long Step => _stepCount;

    /// <summary>The parameter names, in graph order.</summary>
    public IReadOnlyList<string> ParameterNames => [.. _parameters.Select(p => p.Name)];

    /// <summary>The current values of parameter <paramref name="name"/> (a view of the native buffer), or null if there is none.</summary>
    internal TensorSlot? FindParameter(string name) => _parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>Which of each slot's two buffers holds the current values.</summary>
    internal int Side => _side;

    internal bool IsDisposed => _disposed;

    /// <summary>Creates a trainer from graph files.</summary>
    /// <param name="trainingModelPath">The path of <c>train.onnx</c>.</param>
    /// <param name="optimizerModelPath">The path of <c>optimizer.onnx</c>.</param>
    /// <param name="start">The parameters, state and step to start from.</param>
    /// <param name="options">How to train; defaults when null.</param>
    public static HeadTrainer Load(string trainingModelPath, string optimizerModelPath, HeadCheckpoint start, HeadTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trainingModelPath);
        ArgumentNullException.ThrowIfNull(optimizerModelPath);
        return new HeadTrainer(HeadGraphBinding.ReadModel(trainingModelPath), HeadGraphBinding.ReadModel(optimizerModelPath), start, options, trainingModelPath, optimizerModelPath);
    }

    /// <summary>Trains for the configured number of epochs.</summary>
    /// <param name="data">The labelled features; labels must be class indices 0 to C−1.</param>
    /// <param name="progress">Told the mean loss after every epoch (called on the training thread); may be null.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <returns>The loss of every epoch and the steps taken.</returns>
    /// <exception cref="TrainingException">The data cannot be used, or the loss became NaN, infinite or too large; the head is as it was before the call.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the head is as it was before the call.</exception>
    /// <exception cref="EdgeTransferException">ONNX Runtime failed (inner exception); the head is as it was before the call.</exception>
    public TrainingSummary Train(FeatureSet data, IProgress<EpochProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(data);
        return TrainCore(data, progress, null, cancellationToken);
    }

    /// <summary>
    /// Trains with a callback after every epoch that can mark the epoch as the best so far and stop the run
    /// (early stopping). The run ends with the parameters, optimizer state and step of the last epoch marked
    /// best; if none was marked, with those of the last epoch run.
    /// </summary>
    /// <param name="data">The labelled features; labels must be class indices 0 to C−1.</param>
    /// <param name="onEpoch">
    /// Called on the training thread after every epoch, with the head as that epoch left it: it may read the
    /// parameters (<see cref="ExportCheckpoint"/>, <see cref="HeadPredictor.UpdateParameters(HeadTrainer)"/>) to
    /// validate them. An exception it throws ends the run like any failure (the head is as before the call).
    /// </param>
    /// <param name="cancellationToken">Checked before every step. (Required here, so that <c>Train(data, null)</c> keeps meaning the progress overload.)</param>
    /// <returns>The loss of every epoch run, the steps, and the epoch the head ended with.</returns>
    /// <exception cref="TrainingException">The data cannot be used, or the loss became NaN, infinite or too large; the head is as it was before the call.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the head is as it was before the call.</exception>
    /// <exception cref="EdgeTransferException">ONNX Runtime failed (inner exception); the head is as it was before the call.</exception>
    public TrainingSummary Train(FeatureSet data, Func<EpochProgress, EpochDecision> onEpoch, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(onEpoch);
        return TrainCore(data, null, onEpoch, cancellationToken);
    }

    /// <summary>The current parameters, optimizer state and step as a checkpoint (copies).</summary>
    /// <param name="metadata">Facts to record; the start checkpoint's metadata when null.</param>
    public HeadCheckpoint ExportCheckpoint(IReadOnlyDictionary<string, string>? metadata = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new HeadCheckpoint(
            [.. _parameters.Select(p => new NamedTensor(p.Name, p.Shape, p.Values(_side).ToArray()))],
            [.. _states.Select(s => new NamedTensor(s.Name, s.Shape, s.Values(_side).ToArray()))],
            _stepCount,
            metadata ?? _metadata);
    }

    /// <summary>Releases the sessions and native buffers. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }

    private TrainingSummary TrainCore(FeatureSet data, IProgress<EpochProgress>? progress, Func<EpochProgress, EpochDecision>? onEpoch, CancellationToken cancellationToken)
    {
        TrainingDataCheck.Check(data, FeatureSize, _classWeightValues);

        var batch = Math.Min(_batchSize, data.Count);
        var remainder = data.Count % batch;
        using var full = new BatchBuffers(batch, FeatureSize);
        using var partial = remainder > 0 ? new BatchBuffers(remainder, FeatureSize) : null;
        // Input lists for each (batch buffers, parameter side), built once per run.
        OrtValue[][] fullInputs = [TrainInputs(full, 0), TrainInputs(full, 1)];
        OrtValue[][]? partialInputs = partial is null ? null : [TrainInputs(partial, 0), TrainInputs(partial, 1)];

        var startStep = _stepCount;
        Save();
        try
        {
            var order = Enumerable.Range(0, data.Count).ToArray();
            var rng = new SplitMix64(unchecked((ulong)_seed));
            var losses = new List<double>(_epochs);
            var learningRate = _learningRate.GetTensorMutableDataAsSpan<float>();
            var bestEpoch = 0;
            var bestStep = 0L;
            var stoppedEarly = false;
            for (var epoch = 1; epoch <= _epochs; epoch++)
            {
                // The schedule moves the rate between epochs only: one scalar write, nothing per step.
                var rate = (float)_schedule.RateAt(_baseLearningRate, epoch, _epochs);
                learningRate[0] = rate;
                if (_shuffle)
                {
                    // Fisher–Yates.
                    for (var i = order.Length - 1; i > 0; i--)
                    {
                        var j = rng.NextInt(i + 1);
                        (order[i], order[j]) = (order[j], order[i]);
                    }
                }

                var lossSum = 0.0;
                for (var first = 0; first < data.Count; first += batch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var isFull = first + batch <= data.Count;
                    var buffers = isFull ? full : partial!;
                    buffers.Fill(data, order, first);
                    var loss = TrainStep(isFull ? fullInputs[_side] : partialInputs![_side]);
                    if (!float.IsFinite(loss) || loss > _lossLimit)
                    {
                        throw Diverged(epoch, loss);
                    }

                    lossSum += (double)loss * buffers.Size;
                    OptimizerStep();
                }

                var mean = lossSum / data.Count;
                losses.Add(mean);
                var report = new EpochProgress(epoch, _epochs, mean) { LearningRate = rate, Steps = _stepCount - startStep };
                progress?.Report(report);
                if (onEpoch is not null)
                {
                    var decision = onEpoch(report);
                    if (decision.IsBest)
                    {
                        SaveBest();
                        bestEpoch = epoch;
                        bestStep = _stepCount;
                    }

                    if (decision.Stop && epoch < _epochs)
                    {
                        stoppedEarly = true;
                        break;
                    }
                }
            }

            var executed = _stepCount - startStep;
            if (bestEpoch > 0 && bestEpoch != losses.Count)
            {
                // Early stopping keeps the best epoch, not the last: later epochs only overfitted.
                RestoreBest();
                _stepCount = bestStep;
            }
            else
            {
                bestEpoch = losses.Count;
            }

            // A last step can overflow without a loss to show it; never keep such a head.
            if (_slots.Any(s => !s.IsFinite(_side)))
            {
                throw new TrainingException("Training stopped: the last optimizer step made a parameter NaN or infinite. The head is unchanged; lower the learning rate.");
            }

            return new TrainingSummary(losses, executed, _stepCount) { BestEpoch = bestEpoch, StoppedEarly = stoppedEarly };
        }
        catch
        {
            Restore(startStep);
            throw;
        }
    }

    private T Own<T>(T value)
        where T : IDisposable
    {
        _owned.Add(value);
        return value;
    }

    private OrtValue Scalar(float value)
    {
        var v = Own(TensorSlot.Allocate([]));
        v.GetTensorMutableDataAsSpan<float>()[0] = value;
        return v;
    }

    private OrtValue TrainOutput(string name)
    {
        if (name == HeadGraphNames.Loss)
        {
            return _loss;
        }

        var index = Array.FindIndex(_parameters, p => HeadGraphNames.GradientPrefix + p.Name == name);
        return index >= 0 ? _gradients[index] : throw HeadGraphBinding.Mismatch($"graph '{_trainName}' has an unexpected output '{name}'");
    }

    private OrtValue[] TrainInputs(BatchBuffers batch, int side) =>
        [.. _trainInputNames.Select(name => name switch
        {
            HeadGraphNames.Features => batch.Features,
            HeadGraphNames.Labels => batch.Labels,
            HeadGraphNames.SampleWeights => batch.SampleWeights,
            HeadGraphNames.ClassWeights => _classWeights,
            HeadGraphNames.LabelSmoothing => _labelSmoothing,
            _ => _parameters.First(p => p.Name == name).Buffers[side],
        })];

    private OrtValue[] OptimizerInputs(int side) =>
        [.. _optimizerInputNames.Select(name => name switch
        {
            HeadGraphNames.LearningRate => _learningRate,
            HeadGraphNames.WeightDecay => _weightDecay,
            HeadGraphNames.Step => _step,
            _ when name.StartsWith(HeadGraphNames.GradientPrefix, StringComparison.Ordinal) => GradientFor(name),
            _ => Find(name).Buffers[side],
        })];

    private OrtValue[] OptimizerOutputs(int side) =>
        [.. _optimizerOutputNames.Select(name => name.StartsWith(HeadGraphNames.UpdatedPrefix, StringComparison.Ordinal)
            ? Find(name[HeadGraphNames.UpdatedPrefix.Length..]).Buffers[1 - side]
            : throw HeadGraphBinding.Mismatch($"graph '{_optimizerName}' has an unexpected output '{name}'"))];

    private OrtValue GradientFor(string name)
    {
        var index = Array.FindIndex(_parameters, p => HeadGraphNames.GradientPrefix + p.Name == name);
        return index >= 0 ? _gradients[index] : throw HeadGraphBinding.Mismatch($"graph '{_optimizerName}' takes '{name}', a gradient of no parameter");
    }

    private TensorSlot Find(string name) =>
        _parameters.FirstOrDefault(p => p.Name == name) ?? _states.FirstOrDefault(s => s.Name == name)
        ?? throw HeadGraphBinding.Mismatch($"graph '{_optimizerName}' uses '{name}', which is neither a parameter nor an optimizer state");

    private float TrainStep(OrtValue[] inputs)
    {
        OrtErrors.Run(_train, _runOptions, _trainName, _trainInputNames, inputs, _trainOutputNames, _trainOutputs);
        return _loss.GetTensorDataAsSpan<float>()[0];
    }

    private void OptimizerStep()
    {
        // The graph wants the 1-based number of the step being taken (Adam's bias correction).
        _step.GetTensorMutableDataAsSpan<float>()[0] = _stepCount + 1;
        OrtErrors.Run(_optimizer, _runOptions, _optimizerName, _optimizerInputNames, _optimizerInputs[_side], _optimizerOutputNames, _optimizerOutputs[_side]);
        _side = 1 - _side;
        _stepCount++;
    }

    private TrainingException Diverged(int epoch, float loss) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Training stopped in epoch {epoch} at step {_stepCount + 1}: the loss became {loss} (limit {_lossLimit}). The head is unchanged; lower the learning rate or check the features and labels."));

    private void Save()
    {
        foreach (var slot in _slots)
        {
            slot.Save(_side);
        }
    }

    private void SaveBest()
    {
        foreach (var slot in _slots)
        {
            slot.SaveBest(_side);
        }
    }

    private void RestoreBest()
    {
        foreach (var slot in _slots)
        {
            slot.RestoreBest(_side);
        }
    }

    private void Restore(long step)
    {
        foreach (var slot in _slots)
        {
            slot.Restore(_side);
        }

        _stepCount = step;
    }
}
