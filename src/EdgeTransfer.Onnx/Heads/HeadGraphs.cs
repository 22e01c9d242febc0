using EdgeTransfer.Onnx.Building;
using EdgeTransfer.Onnx.Protos;
using static EdgeTransfer.Onnx.Building.Attributes;
using DataType = EdgeTransfer.Onnx.Protos.TensorProto.Types.DataType;

using EdgeTransfer.Artifacts.Manifest;

namespace EdgeTransfer.Onnx.Heads;

/// <summary>
/// Builds the four head graphs of a bundle (docs/bundle.md, "Graph interfaces") from standard ONNX
/// operators only, so that plain ONNX Runtime (no training package) runs them: the training graph
/// writes out the analytic gradients of the loss, the optimizer graph one AdamW or SGD step.
/// </summary>
/// <remarks>
/// Layout: weights are [in, out] so a layer is <c>Gemm(x, W, b)</c> = x·W + b (ONNX Gemm, opset 13:
/// C is broadcast unidirectionally to [N, out]). The batch dimension is the symbol <c>N</c>.
/// </remarks>
public static class HeadGraphs
{
    private const string Batch = "N";

    // A floor for the batch's total weight: a batch whose samples all have weight 0 gets loss 0 and zero
    // gradients instead of 0/0 = NaN (which the trainer would take for divergence). Far below any real
    // sum of weights, so it never changes a real loss.
    private const float MinWeightSum = 1e-30f;

    /// <summary>The training graph: <c>loss</c> and <c>grad.&lt;param&gt;</c> for every parameter.</summary>
    /// <param name="head">The head.</param>
    /// <param name="featureSize">D.</param>
    /// <param name="classCount">C (2 or more).</param>
    /// <remarks>
    /// With wᵢ = sample_weightsᵢ · class_weights[yᵢ], S = Σ wᵢ, tᵢ = (1−ε)·onehot(yᵢ) + ε/C and
    /// pᵢ = softmax(zᵢ): loss = −Σᵢ (wᵢ/S) Σⱼ tᵢⱼ log pᵢⱼ and, since Σⱼ tᵢⱼ = 1,
    /// ∂loss/∂zᵢ = (wᵢ/S)(pᵢ − tᵢ). That is back-propagated through the affine layers
    /// (∂W = xᵀ·∂z, ∂b = Σ over the batch of ∂z) and, for the MLP, through the ReLU
    /// (∂h_pre = ∂h where h_pre &gt; 0, else 0).
    /// </remarks>
    public static ModelProto Training(HeadArchitecture head, int featureSize, int classCount)
    {
        var parameters = Validate(head, featureSize, classCount);
        var g = new GraphBuilder("edgetransfer_head_train");
        var x = g.AddInput(HeadGraphNames.Features, DataType.Float, Batch, featureSize);
        var y = g.AddInput(HeadGraphNames.Labels, DataType.Int64, Batch);
        var sampleWeights = g.AddInput(HeadGraphNames.SampleWeights, DataType.Float, Batch);
        var classWeights = g.AddInput(HeadGraphNames.ClassWeights, DataType.Float, classCount);
        var smoothing = g.AddInput(HeadGraphNames.LabelSmoothing, DataType.Float);
        AddParameterInputs(g, parameters);

        var forward = Forward(g, head, x, logitsName: null);
        var logProbabilities = g.Node("LogSoftmax", [forward.Logits], Of("axis", 1));
        // exp(log softmax) is softmax, without a second max/sum pass over the logits.
        var probabilities = g.Node("Exp", [logProbabilities]);

        // Smoothed targets in one OneHot (opset 11): values = [off, on] = [ε/C, 1 − ε + ε/C]
        // = [0, 1] + ε·[1/C, 1/C − 1]. OneHot gives every out-of-range label the all-"off" row.
        var c = (float)classCount;
        var values = g.Node("Add", [g.Floats([0f, 1f], "onehot_base"), g.Node("Mul", [smoothing, g.Floats([1f / c, (1f / c) - 1f], "onehot_slope")])]);
        var targets = g.Node("OneHot", [y, g.Int64s("depth", classCount), values], Of("axis", -1));

        // Per-sample weights wᵢ normalised by their sum (Gather, axis 0, picks class_weights[yᵢ]).
        var weights = g.Node("Mul", [sampleWeights, g.Node("Gather", [classWeights, y], Of("axis", 0))]);
        var weightSum = g.Node("Max", [g.Node("ReduceSum", [weights], Of("keepdims", 0)), g.Scalar(MinWeightSum, "min_weight_sum")]);
        var normalised = g.Node("Div", [weights, weightSum]);

        // loss = −Σᵢ ŵᵢ Σⱼ tᵢⱼ log pᵢⱼ (ReduceSum, opset 13: axes is an input; none = all axes).
        var perSample = g.Node("ReduceSum", [g.Node("Mul", [targets, logProbabilities]), g.Int64s("axes_1", 1)], Of("keepdims", 0));
        g.Node("Neg", [g.Node("ReduceSum", [g.Node("Mul", [perSample, normalised])], Of("keepdims", 0))], HeadGraphNames.Loss);
        g.AddOutput(HeadGraphNames.Loss, DataType.Float);

        // ∂loss/∂z = ŵ ⊙ (p − t), ŵ as a column [N,1] (Unsqueeze, opset 13: axes is an input).
        var column = g.Node("Unsqueeze", [normalised, g.Int64s("axes_1", 1)]);
        var dLogits = g.Node("Mul", [g.Node("Sub", [probabilities, targets]), column]);
        var axis0 = g.Int64s("axes_0", 0);

        if (head.Kind == HeadKind.Linear)
        {
            Backward(g, x, dLogits, HeadParameterNames.Weight, HeadParameterNames.Bias, axis0);
        }
        else
        {
            Backward(g, forward.Hidden!, dLogits, HeadParameterNames.Fc2Weight, HeadParameterNames.Fc2Bias, axis0);
            // ∂h = ∂z·W2ᵀ (Gemm transB); the ReLU passes it where its input was positive.
            var dHidden = g.Node("Gemm", [dLogits, HeadParameterNames.Fc2Weight], Of("transB", 1));
            var zero = g.Scalar(0f, "zero");
            var active = g.Node("Greater", [forward.HiddenPreActivation!, zero]);
            var dPre = g.Node("Where", [active, dHidden, zero]);
            Backward(g, x, dPre, HeadParameterNames.Fc1Weight, HeadParameterNames.Fc1Bias, axis0);
        }

        foreach (var p in parameters)
        {
            g.AddOutput(HeadGraphNames.Gradient(p.Name), DataType.Float, Dims(p));
        }

        return g.Build($"EdgeTransfer {head} head training graph: loss and gradients (D={featureSize}, C={classCount}).");
    }

    /// <summary>The optimizer graph: one AdamW or SGD-momentum step for every parameter.</summary>
    /// <param name="head">The head.</param>
    /// <param name="optimizer">The optimizer; its β₁, β₂, ε or momentum become constants of the graph.</param>
    /// <param name="featureSize">D.</param>
    /// <param name="classCount">C.</param>
    /// <remarks>Weight decay applies to <c>*.weight</c> tensors only, never to biases.</remarks>
    public static ModelProto Optimizer(HeadArchitecture head, OptimizerSettings optimizer, int featureSize, int classCount)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var parameters = Validate(head, featureSize, classCount);
        var g = new GraphBuilder("edgetransfer_head_optimizer");
        var lr = g.AddInput(HeadGraphNames.LearningRate, DataType.Float);
        var wd = g.AddInput(HeadGraphNames.WeightDecay, DataType.Float);
        var step = g.AddInput(HeadGraphNames.Step, DataType.Float);
        foreach (var p in parameters)
        {
            g.AddInput(p.Name, DataType.Float, Dims(p));
            g.AddInput(HeadGraphNames.Gradient(p.Name), DataType.Float, Dims(p));
            foreach (var s in optimizer.StateNames)
            {
                g.AddInput(HeadGraphNames.State(s, p.Name), DataType.Float, Dims(p));
            }
        }

        if (optimizer.Kind == OptimizerKind.AdamW)
        {
            AdamW(g, optimizer, parameters, lr, wd, step);
        }
        else
        {
            Sgd(g, optimizer, parameters, lr, wd);
        }

        foreach (var p in parameters)
        {
            g.AddOutput(HeadGraphNames.Updated(p.Name), DataType.Float, Dims(p));
            foreach (var s in optimizer.StateNames)
            {
                g.AddOutput(HeadGraphNames.Updated(HeadGraphNames.State(s, p.Name)), DataType.Float, Dims(p));
            }
        }

        return g.Build($"EdgeTransfer {head} head optimizer graph: one {optimizer} step.");
    }

    /// <summary>The eval graph: <c>loss</c> (unweighted mean cross-entropy, no smoothing) and <c>logits</c>.</summary>
    /// <param name="head">The head.</param>
    /// <param name="featureSize">D.</param>
    /// <param name="classCount">C.</param>
    public static ModelProto Eval(HeadArchitecture head, int featureSize, int classCount)
    {
        var parameters = Validate(head, featureSize, classCount);
        var g = new GraphBuilder("edgetransfer_head_eval");
        var x = g.AddInput(HeadGraphNames.Features, DataType.Float, Batch, featureSize);
        var y = g.AddInput(HeadGraphNames.Labels, DataType.Int64, Batch);
        AddParameterInputs(g, parameters);
        var forward = Forward(g, head, x, HeadGraphNames.Logits);
        var logProbabilities = g.Node("LogSoftmax", [forward.Logits], Of("axis", 1));
        // log pᵢ,yᵢ via GatherElements (opset 13) with the labels as an [N,1] index column.
        var column = g.Node("Unsqueeze", [y, g.Int64s("axes_1", 1)]);
        var picked = g.Node("GatherElements", [logProbabilities, column], Of("axis", 1));
        g.Node("Neg", [g.Node("ReduceMean", [picked], Of("keepdims", 0))], HeadGraphNames.Loss);
        g.AddOutput(HeadGraphNames.Loss, DataType.Float);
        g.AddOutput(HeadGraphNames.Logits, DataType.Float, Batch, classCount);
        return g.Build($"EdgeTransfer {head} head eval graph: mean cross-entropy and logits (D={featureSize}, C={classCount}).");
    }

    /// <summary>The inference graph: <c>probabilities</c> = softmax of the logits.</summary>
    /// <param name="head">The head.</param>
    /// <param name="featureSize">D.</param>
    /// <param name="classCount">C.</param>
    public static ModelProto Inference(HeadArchitecture head, int featureSize, int classCount)
    {
        var parameters = Validate(head, featureSize, classCount);
        var g = new GraphBuilder("edgetransfer_head_infer");
        var x = g.AddInput(HeadGraphNames.Features, DataType.Float, Batch, featureSize);
        AddParameterInputs(g, parameters);
        var forward = Forward(g, head, x, logitsName: null);
        g.Node("Softmax", [forward.Logits], HeadGraphNames.Probabilities, Of("axis", 1));
        g.AddOutput(HeadGraphNames.Probabilities, DataType.Float, Batch, classCount);
        return g.Build($"EdgeTransfer {head} head inference graph: class probabilities (D={featureSize}, C={classCount}).");
    }

    private static IReadOnlyList<HeadParameter> Validate(HeadArchitecture head, int featureSize, int classCount)
    {
        ArgumentNullException.ThrowIfNull(head);
        return head.Parameters(featureSize, classCount);
    }

    private static ShapeDim[] Dims(HeadParameter p) => [.. p.Shape.Select(d => ShapeDim.Fixed(d))];

    private static void AddParameterInputs(GraphBuilder g, IReadOnlyList<HeadParameter> parameters)
    {
        foreach (var p in parameters)
        {
            g.AddInput(p.Name, DataType.Float, Dims(p));
        }
    }

    private static ForwardValues Forward(GraphBuilder g, HeadArchitecture head, string x, string? logitsName)
    {
        if (head.Kind == HeadKind.Linear)
        {
            return new ForwardValues(Affine(g, x, HeadParameterNames.Weight, HeadParameterNames.Bias, logitsName), null, null);
        }

        var pre = g.Node("Gemm", [x, HeadParameterNames.Fc1Weight, HeadParameterNames.Fc1Bias]);
        var hidden = g.Node("Relu", [pre]);
        return new ForwardValues(Affine(g, hidden, HeadParameterNames.Fc2Weight, HeadParameterNames.Fc2Bias, logitsName), pre, hidden);
    }

    private static string Affine(GraphBuilder g, string input, string weight, string bias, string? output) =>
        output is null
            ? g.Node("Gemm", [input, weight, bias])
            : g.Node("Gemm", [input, weight, bias], output);

    private static void Backward(GraphBuilder g, string layerInput, string dOutput, string weight, string bias, string axis0)
    {
        // ∂W = inputᵀ·∂out (Gemm transA) and ∂b = Σ over the batch of ∂out.
        g.Node("Gemm", [layerInput, dOutput], HeadGraphNames.Gradient(weight), Of("transA", 1));
        g.Node("ReduceSum", [dOutput, axis0], HeadGraphNames.Gradient(bias), Of("keepdims", 0));
    }

    private static void AdamW(GraphBuilder g, OptimizerSettings o, IReadOnlyList<HeadParameter> parameters, string lr, string wd, string step)
    {
        var one = g.Scalar(1f, "one");
        var beta1 = g.Scalar((float)o.Beta1, "beta1");
        var beta2 = g.Scalar((float)o.Beta2, "beta2");
        var oneMinusBeta1 = g.Scalar((float)(1 - o.Beta1), "one_minus_beta1");
        var oneMinusBeta2 = g.Scalar((float)(1 - o.Beta2), "one_minus_beta2");
        var epsilon = g.Scalar((float)o.Epsilon, "epsilon");
        // Bias corrections 1 − βᵗ (Pow, opset 15, float base and exponent), shared by every parameter.
        var correction1 = g.Node("Sub", [one, g.Node("Pow", [beta1, step])]);
        var correction2 = g.Node("Sub", [one, g.Node("Pow", [beta2, step])]);
        var stepSize = g.Node("Div", [lr, correction1]);
        // Decoupled decay (Loshchilov & Hutter; PyTorch AdamW): p ← p·(1 − lr·wd) before the Adam update.
        var decay = g.Node("Sub", [one, g.Node("Mul", [lr, wd])]);
        foreach (var p in parameters)
        {
            var grad = HeadGraphNames.Gradient(p.Name);
            var mName = HeadGraphNames.State(OptimizerSettings.AdamM, p.Name);
            var vName = HeadGraphNames.State(OptimizerSettings.AdamV, p.Name);
            var m = g.Node("Add", [g.Node("Mul", [beta1, mName]), g.Node("Mul", [oneMinusBeta1, grad])], HeadGraphNames.Updated(mName));
            var squared = g.Node("Mul", [grad, grad]);
            var v = g.Node("Add", [g.Node("Mul", [beta2, vName]), g.Node("Mul", [oneMinusBeta2, squared])], HeadGraphNames.Updated(vName));
            var denominator = g.Node("Add", [g.Node("Sqrt", [g.Node("Div", [v, correction2])]), epsilon]);
            var update = g.Node("Mul", [stepSize, g.Node("Div", [m, denominator])]);
            var start = p.IsWeight ? g.Node("Mul", [p.Name, decay]) : p.Name;
            g.Node("Sub", [start, update], HeadGraphNames.Updated(p.Name));
        }
    }

    private static void Sgd(GraphBuilder g, OptimizerSettings o, IReadOnlyList<HeadParameter> parameters, string lr, string wd)
    {
        var momentum = g.Scalar((float)o.Momentum, "momentum");
        foreach (var p in parameters)
        {
            var grad = HeadGraphNames.Gradient(p.Name);
            var bufferName = HeadGraphNames.State(OptimizerSettings.SgdMomentum, p.Name);
            // PyTorch SGD: L2 decay is added to the gradient (weights only, by our contract).
            var decayed = p.IsWeight ? g.Node("Add", [grad, g.Node("Mul", [wd, p.Name])]) : grad;
            var buffer = g.Node("Add", [g.Node("Mul", [momentum, bufferName]), decayed], HeadGraphNames.Updated(bufferName));
            g.Node("Sub", [p.Name, g.Node("Mul", [lr, buffer])], HeadGraphNames.Updated(p.Name));
        }
    }

    private sealed record ForwardValues(string Logits, string? HiddenPreActivation, string? Hidden);
}
