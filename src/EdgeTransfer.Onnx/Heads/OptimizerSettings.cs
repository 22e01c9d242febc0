using System.Globalization;

using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Onnx.Heads;

/// <summary>
/// The optimizer and its hyper-parameters (docs/bundle.md, <c>optimizer.onnx</c>). β₁, β₂, ε and the
/// momentum are constants of the optimizer graph; the learning rate and weight decay recorded here are
/// the defaults that the trainer feeds to the graph's <c>learning_rate</c> and <c>weight_decay</c> inputs.
/// </summary>
/// <remarks>Every value is validated on creation; a bad one raises <see cref="InvalidSettingException"/> naming it (<c>optimizer.learningRate</c> …).</remarks>
public sealed record OptimizerSettings
{
    /// <summary>Adam's first-moment state name.</summary>
    public const string AdamM = "adam.m";

    /// <summary>Adam's second-moment state name.</summary>
    public const string AdamV = "adam.v";

    /// <summary>SGD's momentum buffer state name.</summary>
    public const string SgdMomentum = "sgd.momentum";

    private OptimizerSettings(OptimizerKind kind, double learningRate, double weightDecay, double beta1, double beta2, double epsilon, double momentum)
    {
        Kind = kind;
        LearningRate = Check("optimizer.learningRate", learningRate, v => v > 0 && v <= 10, "a number above 0 and at most 10");
        WeightDecay = Check("optimizer.weightDecay", weightDecay, v => v >= 0 && v < 1, "a number from 0 up to (not including) 1");
        Beta1 = Check("optimizer.beta1", beta1, v => v >= 0 && v < 1, "a number from 0 up to (not including) 1");
        Beta2 = Check("optimizer.beta2", beta2, v => v >= 0 && v < 1, "a number from 0 up to (not including) 1");
        // SGD has no ε; Adam needs one above 0 so that its denominator never vanishes.
        Epsilon = kind == OptimizerKind.AdamW ? Check("optimizer.epsilon", epsilon, v => v > 0 && v <= 1, "a number above 0 and at most 1") : 0;
        Momentum = Check("optimizer.momentum", momentum, v => v >= 0 && v < 1, "a number from 0 up to (not including) 1");
    }

    /// <summary>Which optimizer.</summary>
    public OptimizerKind Kind { get; }

    /// <summary>The learning rate (default for the graph input).</summary>
    public double LearningRate { get; }

    /// <summary>The weight decay applied to weight matrices only (default for the graph input).</summary>
    public double WeightDecay { get; }

    /// <summary>Adam's β₁ (0 for SGD).</summary>
    public double Beta1 { get; }

    /// <summary>Adam's β₂ (0 for SGD).</summary>
    public double Beta2 { get; }

    /// <summary>Adam's ε (0 for SGD).</summary>
    public double Epsilon { get; }

    /// <summary>SGD's momentum μ (0 for Adam).</summary>
    public double Momentum { get; }

    /// <summary>The state tensor names kept per parameter, in graph input order.</summary>
    public IReadOnlyList<string> StateNames => Kind == OptimizerKind.AdamW ? [AdamM, AdamV] : [SgdMomentum];

    /// <summary>The text form used by the <c>--optimizer</c> option and the manifest.</summary>
    public string Name => Kind == OptimizerKind.AdamW ? "adamw" : "sgd";

    /// <summary>AdamW with PyTorch's default constants.</summary>
    /// <param name="learningRate">The learning rate, above 0.</param>
    /// <param name="weightDecay">The decoupled weight decay, 0 ≤ wd &lt; 1.</param>
    /// <param name="beta1">β₁, 0 ≤ β₁ &lt; 1.</param>
    /// <param name="beta2">β₂, 0 ≤ β₂ &lt; 1.</param>
    /// <param name="epsilon">ε, above 0.</param>
    /// <exception cref="InvalidSettingException">A value is out of range.</exception>
    public static OptimizerSettings AdamW(double learningRate = 1e-3, double weightDecay = 1e-4, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) =>
        new(OptimizerKind.AdamW, learningRate, weightDecay, beta1, beta2, epsilon, 0);

    /// <summary>SGD with momentum (dampening 0, no Nesterov).</summary>
    /// <param name="learningRate">The learning rate, above 0.</param>
    /// <param name="weightDecay">The L2 weight decay added to the gradient, 0 ≤ wd &lt; 1.</param>
    /// <param name="momentum">μ, 0 ≤ μ &lt; 1.</param>
    /// <exception cref="InvalidSettingException">A value is out of range.</exception>
    public static OptimizerSettings Sgd(double learningRate = 1e-2, double weightDecay = 1e-4, double momentum = 0.9) =>
        new(OptimizerKind.Sgd, learningRate, weightDecay, 0, 0, 0, momentum);

    /// <summary>The default optimizer of the given name (<c>adamw</c> or <c>sgd</c>, case-insensitive).</summary>
    /// <param name="name">The text of the <c>--optimizer</c> option.</param>
    /// <exception cref="InvalidSettingException">The name is not an optimizer; the message names <c>--optimizer</c>.</exception>
    public static OptimizerSettings Parse(string? name) => (name?.Trim().ToUpperInvariant()) switch
    {
        "ADAMW" => AdamW(),
        "SGD" => Sgd(),
        _ => throw new InvalidSettingException("--optimizer", $"'{name}' is not an optimizer; use 'adamw' or 'sgd'."),
    };

    /// <summary>The same optimizer with another learning rate and weight decay (validated).</summary>
    /// <param name="learningRate">The learning rate.</param>
    /// <param name="weightDecay">The weight decay.</param>
    public OptimizerSettings WithRates(double learningRate, double weightDecay) =>
        new(Kind, learningRate, weightDecay, Beta1, Beta2, Epsilon, Momentum);

    /// <inheritdoc />
    public override string ToString() => Kind == OptimizerKind.AdamW
        ? string.Create(CultureInfo.InvariantCulture, $"adamw(lr={LearningRate}, wd={WeightDecay}, beta1={Beta1}, beta2={Beta2}, eps={Epsilon})")
        : string.Create(CultureInfo.InvariantCulture, $"sgd(lr={LearningRate}, wd={WeightDecay}, momentum={Momentum})");

    private static double Check(string setting, double value, Func<double, bool> valid, string expected)
    {
        if (!double.IsFinite(value) || !valid(value))
        {
            throw new InvalidSettingException(setting, string.Create(CultureInfo.InvariantCulture, $"must be {expected}; got {value}."));
        }

        return value;
    }
}
