using System.Diagnostics;
using EdgeTransfer.Runtime.Anomaly;
using EdgeTransfer.Runtime.Anomaly.OnDevice;
using EdgeTransfer.Runtime.Configuration;
using EdgeTransfer.Runtime.Features;
using EdgeTransfer.Runtime.Loading;

namespace EdgeTransfer.Runtime.Inspection;

/// <summary>
/// The anomaly step of the inspection pipeline: it reads the patch maps of the same backbone run that fed
/// the head, scores them with the model in service and turns the score into the verdict's decision (mode
/// <c>anomaly</c>: the anomaly model alone; <c>both</c>: the anomaly model decides, the head names the defect kind).
/// </summary>
/// <remarks>Used under the pipeline's lock: one frame at a time; the copy buffers are allocated once.</remarks>
public sealed class AnomalyStage
{
    /// <summary>The class name of a part rejected in mode <c>anomaly</c>, where no head names the kind.</summary>
    public const string AnomalyClassName = "anomaly";

    private readonly Func<string> _notReady;
    private DeviceBundle? _bundle;
    private AnomalyScorer? _scorer;
    private string _version;
    private float[] _stage2 = [];
    private float[] _stage3 = [];
    private int _stage2Layer;
    private int _stage3Layer;
    private FeatureLayout _layout;
    private int _includeMap;

    /// <summary>Creates the step.</summary>
    /// <param name="mode"><see cref="InspectionMode.Anomaly"/> or <see cref="InspectionMode.Both"/>.</param>
    /// <param name="includeMap">Whether verdicts carry the byte map.</param>
    /// <param name="model">The model in service, or null until the first fit (frames are refused until then).</param>
    /// <param name="version">Its version name.</param>
    /// <param name="notReady">The message for a frame that arrives before any model is in service.</param>
    public AnomalyStage(InspectionMode mode, bool includeMap, AnomalyModel? model, string? version, Func<string> notReady)
    {
        ArgumentNullException.ThrowIfNull(notReady);
        if (mode == InspectionMode.Classify)
        {
            throw new ArgumentException("The anomaly step is for modes 'anomaly' and 'both'.", nameof(mode));
        }

        Mode = mode;
        _includeMap = includeMap ? 1 : 0;
        _scorer = model is null ? null : new AnomalyScorer(model);
        _version = version ?? "none";
        _notReady = notReady;
    }

    /// <summary>The inspection mode.</summary>
    public InspectionMode Mode { get; }

    /// <summary>Whether verdicts carry the byte map; may be turned on while frames are inspected (a console asks for maps).</summary>
    public bool IncludeMap
    {
        get => Volatile.Read(ref _includeMap) != 0;
        set => Volatile.Write(ref _includeMap, value ? 1 : 0);
    }

    /// <summary>The version of the model in service, or <c>none</c>.</summary>
    public string ModelVersion => Volatile.Read(ref _version);

    /// <summary>Finds the stage 2 and stage 3 maps of <paramref name="backbone"/> and checks the model reads their shapes.</summary>
    internal void Bind(BackboneSession backbone, DeviceBundle bundle)
    {
        (_stage2Layer, _stage3Layer) = PatchFeatureReader.StageLayers(backbone.PatchLayers, bundle);
        var s2 = backbone.PatchLayers[_stage2Layer];
        var s3 = backbone.PatchLayers[_stage3Layer];
        _layout = new FeatureLayout(new FeatureMapShape(s2.Channels, s2.Height, s2.Width), new FeatureMapShape(s3.Channels, s3.Height, s3.Width));
        _stage2 = new float[_layout.Stage2.Length];
        _stage3 = new float[_layout.Stage3.Length];
        _bundle = bundle;
        if (_scorer is { } scorer)
        {
            CheckLayout(scorer.Model);

            // From here on the bundle's scoring graph (when it has one) does the per-frame work.
            Swap(Prepare(scorer.Model), _version);
        }
    }

    /// <summary>Makes the scorer of a new model (outside the pipeline's lock: it allocates the search buffers).</summary>
    internal AnomalyScorer Prepare(AnomalyModel model)
    {
        CheckLayout(model);

        // The per-frame work on as many threads as the backbone's default (one per core).
        return _bundle is { } bundle
            ? new AnomalyScorer(model, bundle.CreatePatchDistances(model, Environment.ProcessorCount))
            : new AnomalyScorer(model);
    }

    /// <summary>Puts a prepared scorer in service (under the pipeline's lock) and releases the one it replaces.</summary>
    internal void Swap(AnomalyScorer scorer, string version)
    {
        var previous = _scorer;
        _scorer = scorer;
        Volatile.Write(ref _version, version);
        if (!ReferenceEquals(previous, scorer))
        {
            (previous?.Distances as IDisposable)?.Dispose();
        }
    }

    /// <summary>Releases the scorer in service (its ONNX Runtime session); called when the pipeline is disposed, under its lock.</summary>
    internal void Release()
    {
        (_scorer?.Distances as IDisposable)?.Dispose();
        _scorer = null;
    }

    /// <summary>Scores the backbone's last run and decides; the head's decision and probabilities name the defect kind.</summary>
    internal (VerdictDecision Decision, string ClassName, AnomalyVerdict Anomaly) Decide(BackboneSession backbone, VerdictPolicy policy, ReadOnlySpan<float> probabilities)
    {
        var scorer = _scorer ?? throw new InvalidSettingException("inspection.mode", _notReady());
        var start = Stopwatch.GetTimestamp();
        backbone.PatchMap(_stage2Layer).CopyTo(_stage2);
        backbone.PatchMap(_stage3Layer).CopyTo(_stage3);
        var score = scorer.Score(new AnomalyFeatures(new FeatureMap(_stage2, _layout.Stage2), new FeatureMap(_stage3, _layout.Stage3)));
        var anomalous = score.IsAnomalous;
        var classIndex = anomalous ? MostLikelyDefect(policy, probabilities) : policy.GoodClassIndex;
        var decision = new VerdictDecision(anomalous ? VerdictOutcome.Defect : VerdictOutcome.Good, classIndex, probabilities[classIndex], anomalous);
        var className = anomalous && Mode == InspectionMode.Anomaly ? AnomalyClassName : policy.Classes[classIndex];
        var verdict = new AnomalyVerdict(
            score.NormalisedScore,
            score.Score,
            score.Threshold.Value,
            anomalous,
            _version,
            IncludeMap ? score.PatchMapBytes() : null,
            score.MapHeight,
            score.MapWidth,
            Stopwatch.GetElapsedTime(start));
        return (decision, className, verdict);
    }

    // The head names the kind of a part the anomaly model rejected: its most probable defect class, or its
    // most probable class other than the good one on a sorting line.
    private static int MostLikelyDefect(VerdictPolicy policy, ReadOnlySpan<float> probabilities)
    {
        var best = -1;
        for (var pass = 0; pass < 2 && best < 0; pass++)
        {
            for (var i = 0; i < probabilities.Length; i++)
            {
                var eligible = pass == 0 ? policy.IsDefectClass(i) : i != policy.GoodClassIndex;
                if (eligible && (best < 0 || probabilities[i] > probabilities[best]))
                {
                    best = i;
                }
            }
        }

        return best < 0 ? policy.GoodClassIndex : best;
    }

    private void CheckLayout(AnomalyModel model)
    {
        if (model.Layout != _layout)
        {
            throw new FeatureLayoutException(model.Layout, _layout, "this bundle's backbone maps");
        }
    }
}
