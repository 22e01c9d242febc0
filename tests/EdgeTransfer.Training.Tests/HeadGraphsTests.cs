using EdgeTransfer.Onnx.Building;
using EdgeTransfer.Onnx.Heads;
using EdgeTransfer.Onnx.Protos;
using EdgeTransfer.Testing;
using Google.Protobuf;
using Xunit.Abstractions;

namespace EdgeTransfer.Training.Tests;

public class HeadGraphsTests(ITestOutputHelper output)
{
    public static TheoryData<string> Heads => ["linear", "mlp:5"];

    [OnnxCheckerTheory]
    [InlineData("linear", "adamw")]
    [InlineData("linear", "sgd")]
    [InlineData("mlp:16", "adamw")]
    [InlineData("mlp:16", "sgd")]
    public void EveryGraph_PassesOnnxFullCheck(string headText, string optimizerText)
    {
        // Given the four graphs of a head
        var head = HeadArchitecture.Parse(headText);
        var graphs = new Dictionary<string, ModelProto>
        {
            ["train"] = HeadGraphs.Training(head, 512, 3),
            ["optimizer"] = HeadGraphs.Optimizer(head, OptimizerSettings.Parse(optimizerText), 512, 3),
            ["eval"] = HeadGraphs.Eval(head, 512, 3),
            ["infer"] = HeadGraphs.Inference(head, 512, 3),
        };
        using var dir = new TempDirectory();

        foreach (var (name, model) in graphs)
        {
            // When the reference checker (full check, strict shape inference) reads it
            var path = dir.Combine(name + ".onnx");
            File.WriteAllBytes(path, model.ToByteArray());
            var problem = OnnxChecker.Check(path);

            // Then it passes, at IR 8 / opset 17, standard domain only
            Assert.True(problem is null, $"{name}.onnx: {problem}");
            Assert.Equal(GraphBuilder.IrVersion, model.IrVersion);
            var opset = Assert.Single(model.OpsetImport);
            Assert.Equal(string.Empty, opset.Domain);
            Assert.Equal(17, opset.Version);
            Assert.All(model.Graph.Node, n => Assert.Equal(string.Empty, n.Domain));
        }
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void TrainGraph_Interface_FollowsTheContract(string headText)
    {
        // Given a training graph
        var head = HeadArchitecture.Parse(headText);
        var model = HeadGraphs.Training(head, 6, 3);

        // Then its inputs and outputs are named and ordered as docs/bundle.md says
        var parameters = head.Parameters(6, 3).Select(p => p.Name).ToArray();
        Assert.Equal(["features", "labels", "sample_weights", "class_weights", "label_smoothing", .. parameters], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["loss", .. parameters.Select(p => "grad." + p)], model.Graph.Output.Select(o => o.Name));
        Assert.Equal("N", model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void TrainGraph_Loss_EqualsIndependentComputation(string headText)
    {
        // Given a batch with sample weights, class weights and label smoothing
        var problem = new HeadProblem(HeadArchitecture.Parse(headText));
        using var runner = new GraphRunner(HeadGraphs.Training(problem.Head, problem.D, problem.C));

        // When ONNX Runtime computes the loss
        var loss = runner.Run(problem.TrainInputs())["loss"][0];

        // Then it equals the double-precision C# reference
        var expected = Reference.TrainLoss(problem);
        output.WriteLine($"ORT {loss:R}, reference {expected:R}");
        Assert.Equal(expected, loss, 1e-5 * Math.Max(1, Math.Abs(expected)));
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void TrainGraph_Gradients_EqualCentralFiniteDifferences(string headText)
    {
        // Given a batch with non-uniform sample and class weights and label smoothing 0.1
        var problem = new HeadProblem(HeadArchitecture.Parse(headText));
        using var runner = new GraphRunner(HeadGraphs.Training(problem.Head, problem.D, problem.C));
        var analytic = runner.Run(problem.TrainInputs());
        const float h = 1e-3f;

        foreach (var p in problem.Parameters)
        {
            // When every element is nudged by ±h and the graph's own loss is read back through ORT
            var numeric = new double[p.Data.Length];
            for (var i = 0; i < p.Data.Length; i++)
            {
                var saved = p.Data[i];
                p.Data[i] = saved + h;
                var plus = runner.Run(problem.TrainInputs())["loss"][0];
                p.Data[i] = saved - h;
                var minus = runner.Run(problem.TrainInputs())["loss"][0];
                p.Data[i] = saved;
                numeric[i] = ((double)plus - minus) / (2 * h);
            }

            // Then the graph's gradient matches (relative error of the whole tensor ≤ 1e-2)
            var grad = analytic["grad." + p.Name];
            var diff = Math.Sqrt(grad.Select((g, i) => Math.Pow(g - numeric[i], 2)).Sum());
            var scale = Math.Max(Math.Sqrt(grad.Sum(g => (double)g * g)), Math.Sqrt(numeric.Sum(g => g * g)));
            var relative = diff / Math.Max(scale, 1e-8);
            output.WriteLine($"{p.Name}: |grad| {scale:E3}, relative error {relative:E3}");
            Assert.True(scale > 1e-4, $"{p.Name}: the gradient is too small to test");
            Assert.True(relative <= 1e-2, $"{p.Name}: relative error {relative:E3}");
        }
    }

    [Theory]
    [MemberData(nameof(Heads))]
    public void EvalAndInferenceGraphs_MatchReference(string headText)
    {
        // Given a batch and a head
        var problem = new HeadProblem(HeadArchitecture.Parse(headText));
        using var eval = new GraphRunner(HeadGraphs.Eval(problem.Head, problem.D, problem.C));
        using var infer = new GraphRunner(HeadGraphs.Inference(problem.Head, problem.D, problem.C));

        // When both graphs run
        var evaluated = eval.Run(problem.ParameterInputs(withLabels: true));
        var probabilities = infer.Run(problem.ParameterInputs(withLabels: false))["probabilities"];

        // Then loss, logits and probabilities equal the reference
        var logits = Reference.Logits(problem.Features, problem.N, problem.D, problem.Parameters);
        var logp = Reference.LogSoftmax(logits, problem.N, problem.C);
        Assert.Equal(Reference.EvalLoss(problem), evaluated["loss"][0], 1e-5);
        for (var i = 0; i < logits.Length; i++)
        {
            Assert.Equal(logits[i], evaluated["logits"][i], 1e-5);
            Assert.Equal(Math.Exp(logp[i]), probabilities[i], 1e-6);
        }
    }

    [Fact]
    public void AdamWStep_EqualsHandComputedReference()
    {
        // Given parameters, gradients and non-zero moments at step 3
        var head = HeadArchitecture.Linear;
        var optimizer = OptimizerSettings.AdamW(beta1: 0.9, beta2: 0.999, epsilon: 1e-8);
        const double lr = 0.01, wd = 0.1;
        const int t = 3;
        var (inputs, values) = OptimizerInputs(head, optimizer, lr, wd, t);
        using var runner = new GraphRunner(HeadGraphs.Optimizer(head, optimizer, 4, 3));

        // When one step runs through ORT
        var result = runner.Run(inputs);

        // Then every parameter and moment equals PyTorch AdamW's update computed in double precision
        foreach (var name in new[] { "head.weight", "head.bias" })
        {
            var (p, g, m, v) = (values[name], values["grad." + name], values["adam.m." + name], values["adam.v." + name]);
            var decay = name.EndsWith(".weight", StringComparison.Ordinal) ? wd : 0;
            for (var i = 0; i < p.Length; i++)
            {
                var pd = p[i] - (lr * decay * p[i]);
                var m1 = (0.9 * m[i]) + (0.1 * g[i]);
                var v1 = (0.999 * v[i]) + (0.001 * g[i] * g[i]);
                var mHat = m1 / (1 - Math.Pow(0.9, t));
                var vHat = v1 / (1 - Math.Pow(0.999, t));
                var expected = pd - (lr * mHat / (Math.Sqrt(vHat) + 1e-8));
                Assert.Equal(m1, result["new.adam.m." + name][i], 1e-6);
                Assert.Equal(v1, result["new.adam.v." + name][i], 1e-7);
                Assert.Equal(expected, result["new." + name][i], 1e-6);
            }
        }
    }

    [Fact]
    public void SgdMomentumStep_EqualsHandComputedReference()
    {
        // Given parameters, gradients and a non-zero momentum buffer
        var head = HeadArchitecture.Mlp(3);
        var optimizer = OptimizerSettings.Sgd(momentum: 0.8);
        const double lr = 0.05, wd = 0.01;
        var (inputs, values) = OptimizerInputs(head, optimizer, lr, wd, 5);
        using var runner = new GraphRunner(HeadGraphs.Optimizer(head, optimizer, 4, 3));

        // When one step runs through ORT
        var result = runner.Run(inputs);

        // Then g ← g + wd·p (weights only); b ← μb + g; p ← p − lr·b, as PyTorch's SGD
        foreach (var p in head.Parameters(4, 3))
        {
            var (w, g, b) = (values[p.Name], values["grad." + p.Name], values["sgd.momentum." + p.Name]);
            var decay = p.IsWeight ? wd : 0;
            for (var i = 0; i < w.Length; i++)
            {
                var gd = g[i] + (decay * w[i]);
                var b1 = (0.8 * b[i]) + gd;
                Assert.Equal(b1, result["new.sgd.momentum." + p.Name][i], 1e-6);
                Assert.Equal(w[i] - (lr * b1), result["new." + p.Name][i], 1e-6);
            }
        }
    }

    [Fact]
    public void InitialHead_IsSeededAndNamedPerContract()
    {
        // Given two initial MLP heads from the same seed and one from another
        var head = HeadArchitecture.Mlp(8);
        var a = InitialHead.Create(head, 16, 3, 42, OptimizerSettings.Sgd());
        var b = InitialHead.Create(head, 16, 3, 42, OptimizerSettings.Sgd());
        var c = InitialHead.Create(head, 16, 3, 43, OptimizerSettings.Sgd());

        // Then the same seed gives the same weights, biases are zero, state is zero and named sgd.momentum.<param>
        Assert.Equal(a.Parameter("head.fc1.weight").Data, b.Parameter("head.fc1.weight").Data);
        Assert.NotEqual(a.Parameter("head.fc1.weight").Data, c.Parameter("head.fc1.weight").Data);
        Assert.All(a.Parameter("head.fc1.bias").Data, v => Assert.Equal(0f, v));
        Assert.All(a.Parameter("head.fc1.weight").Data, v => Assert.InRange(v, -Math.Sqrt(6.0 / 16), Math.Sqrt(6.0 / 16)));
        Assert.All(a.Parameter("head.fc2.weight").Data, v => Assert.InRange(v, -Math.Sqrt(6.0 / 11), Math.Sqrt(6.0 / 11)));
        Assert.Equal(["sgd.momentum.head.fc1.weight", "sgd.momentum.head.fc1.bias", "sgd.momentum.head.fc2.weight", "sgd.momentum.head.fc2.bias"], a.OptimizerState.Select(s => s.Name));
        Assert.All(a.OptimizerState, s => Assert.All(s.Data, v => Assert.Equal(0f, v)));
        Assert.Equal(["adam.m.head.weight", "adam.m.head.bias", "adam.v.head.weight", "adam.v.head.bias"], InitialHead.Create(HeadArchitecture.Linear, 4, 2, 1).OptimizerState.Select(s => s.Name));
    }

    private static (Dictionary<string, (Array Data, long[] Shape)> Inputs, Dictionary<string, float[]> Values) OptimizerInputs(
        HeadArchitecture head, OptimizerSettings optimizer, double lr, double wd, int step)
    {
        var rng = new Random(3);
        var inputs = new Dictionary<string, (Array, long[])>
        {
            ["learning_rate"] = (new[] { (float)lr }, []),
            ["weight_decay"] = (new[] { (float)wd }, []),
            ["step"] = (new[] { (float)step }, []),
        };
        var values = new Dictionary<string, float[]>();
        foreach (var p in head.Parameters(4, 3))
        {
            var shape = p.Shape.ToArray();
            string[] names = [p.Name, "grad." + p.Name, .. optimizer.StateNames.Select(s => s + "." + p.Name)];
            foreach (var name in names)
            {
                // Second moments must be ≥ 0; everything else any sign.
                var data = new float[p.ElementCount];
                for (var i = 0; i < data.Length; i++)
                {
                    var r = (rng.NextDouble() * 2) - 1;
                    data[i] = (float)(name.StartsWith("adam.v.", StringComparison.Ordinal) ? r * r * 0.01 : r);
                }

                values[name] = data;
                inputs[name] = (data, shape);
            }
        }

        return (inputs, values);
    }
}
