using System.Collections.Frozen;
using System.Diagnostics.Metrics;

namespace EdgeTransfer.Runtime.Inspection;

/// <summary>
/// The inspection figures: counters and stage histograms on a <see cref="System.Diagnostics.Metrics.Meter"/>
/// named <see cref="MeterName"/> (what MQTT telemetry and <c>dotnet-counters</c> read), and the same counts
/// and recent-latency windows readable in process for the status report.
/// </summary>
/// <remarks>
/// Instruments: <c>edgetransfer.inspection.frames</c>, <c>edgetransfer.inspection.verdicts</c> (tags
/// <c>class</c>, <c>outcome</c>), <c>edgetransfer.inspection.errors</c> (tag <c>kind</c>),
/// <c>edgetransfer.inspection.rejects</c>, and the histogram <c>edgetransfer.inspection.stage.duration</c> in ms
/// (tag <c>stage</c>). Tag values are cached strings: recording allocates nothing. Thread-safe.
/// </remarks>
public sealed class InspectionMetrics : IDisposable
{
    /// <summary>The name of the meter.</summary>
    public const string MeterName = "EdgeTransfer.Inspection";

    private static readonly string[] StageNames = ["decode", "preprocess", "backbone", "head", "total"];
    private static readonly string[] OutcomeNames = ["good", "defect", "uncertain"];
    private static readonly string[] ErrorNames = ["corrupt-frame", "skipped-frame", "capture", "inference", "reject", "subscriber"];

    private readonly bool _ownsMeter;
    private readonly string[] _classes;
    private readonly long[] _perClass;
    private readonly long[] _perOutcome = new long[3];
    private readonly long[] _perError = new long[ErrorNames.Length];
    private readonly LatencyWindow[] _windows;
    private readonly Counter<long> _frames;
    private readonly Counter<long> _verdicts;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _rejects;
    private readonly Histogram<double> _durations;
    private long _frameCount;
    private long _rejectCount;

    /// <summary>Creates the figures for a bundle's classes.</summary>
    /// <param name="classes">The class names.</param>
    /// <param name="meter">The meter to create the instruments on (not owned); a new one named <see cref="MeterName"/> (owned) when null.</param>
    /// <param name="windowCapacity">How many recent samples each stage's latency window keeps.</param>
    public InspectionMetrics(IReadOnlyList<string> classes, Meter? meter = null, int windowCapacity = 2048)
    {
        ArgumentNullException.ThrowIfNull(classes);
        _classes = [.. classes];
        _perClass = new long[_classes.Length];
        _windows = [.. StageNames.Select(_ => new LatencyWindow(windowCapacity))];
        _ownsMeter = meter is null;
        Meter = meter ?? new Meter(MeterName);
        _frames = Meter.CreateCounter<long>("edgetransfer.inspection.frames", "{frame}", "Frames inspected (with a verdict).");
        _verdicts = Meter.CreateCounter<long>("edgetransfer.inspection.verdicts", "{verdict}", "Verdicts by class and outcome.");
        _errors = Meter.CreateCounter<long>("edgetransfer.inspection.errors", "{error}", "Frames or steps that failed, by kind; the loop went on.");
        _rejects = Meter.CreateCounter<long>("edgetransfer.inspection.rejects", "{pulse}", "Reject pulses requested.");
        _durations = Meter.CreateHistogram<double>("edgetransfer.inspection.stage.duration", "ms", "Time per inspection stage.");
    }

    /// <summary>The meter the instruments live on.</summary>
    public Meter Meter { get; }

    /// <summary>Frames inspected (with a verdict).</summary>
    public long Frames => Interlocked.Read(ref _frameCount);

    /// <summary>Errors of every kind.</summary>
    public long Errors
    {
        get
        {
            var total = 0L;
            for (var i = 0; i < _perError.Length; i++)
            {
                total += Interlocked.Read(ref _perError[i]);
            }

            return total;
        }
    }

    /// <summary>Reject pulses requested.</summary>
    public long Rejects => Interlocked.Read(ref _rejectCount);

    /// <summary>Verdicts per class name.</summary>
    public IReadOnlyDictionary<string, long> VerdictsByClass =>
        _classes.Select((c, i) => KeyValuePair.Create(c, Interlocked.Read(ref _perClass[i]))).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Verdicts per outcome.</summary>
    public IReadOnlyDictionary<VerdictOutcome, long> VerdictsByOutcome =>
        Enum.GetValues<VerdictOutcome>().ToFrozenDictionary(o => o, o => Interlocked.Read(ref _perOutcome[(int)o]));

    /// <summary>Errors per kind.</summary>
    public IReadOnlyDictionary<InspectionErrorKind, long> ErrorsByKind =>
        Enum.GetValues<InspectionErrorKind>().ToFrozenDictionary(k => k, k => Interlocked.Read(ref _perError[(int)k]));

    /// <summary>The recent-latency window of <paramref name="stage"/>.</summary>
    /// <param name="stage">The stage.</param>
    public LatencyWindow Latency(InspectionStage stage) => _windows[(int)stage];

    /// <summary>Counts a verdict and records its stage times. Raw frames record no decode time.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <param name="decoded">Whether the frame was decoded (an encoded frame).</param>
    public void RecordVerdict(Verdict verdict, bool decoded)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        Interlocked.Increment(ref _frameCount);
        Interlocked.Increment(ref _perClass[verdict.ClassIndex]);
        Interlocked.Increment(ref _perOutcome[(int)verdict.Outcome]);
        _frames.Add(1);
        _verdicts.Add(1, new("class", _classes[verdict.ClassIndex]), new("outcome", OutcomeNames[(int)verdict.Outcome]));
        var latencies = verdict.Latencies;
        for (var s = decoded ? 0 : 1; s < StageNames.Length; s++)
        {
            var ms = latencies[(InspectionStage)s].TotalMilliseconds;
            _windows[s].Record(ms);
            _durations.Record(ms, new KeyValuePair<string, object?>("stage", StageNames[s]));
        }
    }

    /// <summary>Counts an error.</summary>
    /// <param name="kind">What went wrong.</param>
    public void RecordError(InspectionErrorKind kind)
    {
        Interlocked.Increment(ref _perError[(int)kind]);
        _errors.Add(1, new KeyValuePair<string, object?>("kind", ErrorNames[(int)kind]));
    }

    /// <summary>Counts a requested reject pulse.</summary>
    public void RecordReject()
    {
        Interlocked.Increment(ref _rejectCount);
        _rejects.Add(1);
    }

    /// <summary>Disposes the meter when this object created it. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
