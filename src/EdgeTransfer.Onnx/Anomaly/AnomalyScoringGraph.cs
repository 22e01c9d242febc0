using EdgeTransfer.Onnx.Building;
using EdgeTransfer.Onnx.Protos;
using static EdgeTransfer.Onnx.Building.Attributes;
using DataType = EdgeTransfer.Onnx.Protos.TensorProto.Types.DataType;

namespace EdgeTransfer.Onnx.Anomaly;

/// <summary>
/// The anomaly model's per-frame work as one ONNX graph, so that ONNX Runtime runs it with its own
/// multi-threaded kernels: patch embedding (projection, 3×3 mean, bilinear resampling of the coarser map) and
/// the distance of every patch to its nearest memory-bank row (one MatMul against the bank, a ReduceMin).
/// </summary>
/// <remarks>
/// The graph holds no model data: the projection and the bank are inputs, so one graph, written into the bundle
/// at prepare time, serves every model the device fits (the bank is bound once per model, not per frame). All
/// sizes are symbolic. It computes what <c>PatchEmbedder</c> and the nearest-neighbour searches of
/// <c>EdgeTransfer.Runtime.Anomaly</c> compute (docs/anomaly.md):
/// <list type="bullet">
/// <item>each map's channels are projected by a 1×1 Conv (an unprojected model passes identity blocks), then
/// averaged over 3×3 with <c>AveragePool</c> (<c>count_include_pad = 0</c>: at the border only the neighbours
/// inside the map count); the coarser map is resized to the finer grid (<c>Resize</c> linear, <c>half_pixel</c>,
/// as PyTorch's <c>align_corners=False</c>) and the two are added;</item>
/// <item>squared distances are ‖q‖² + ‖b‖² − 2 q·b: the bank input is already −2·bankᵀ and ‖b‖² is an input, so
/// the search is one MatMul, one Add and a ReduceMin over the bank; ‖q‖² is added after the minimum (it does not
/// depend on the row), clamped at 0 against rounding, and the square root taken.</item>
/// </list>
/// </remarks>
public static class AnomalyScoringGraph
{
    /// <summary>Input: the finer feature map, float [1, C2, H, W].</summary>
    public const string Stage2 = "stage2";

    /// <summary>Input: the coarser feature map, float [1, C3, H3, W3].</summary>
    public const string Stage3 = "stage3";

    /// <summary>Input: the projection of the finer map's channels, float [D, C2, 1, 1].</summary>
    public const string Projection2 = "projection2";

    /// <summary>Input: the projection of the coarser map's channels, float [D, C3, 1, 1].</summary>
    public const string Projection3 = "projection3";

    /// <summary>Input: the memory bank transposed and multiplied by −2, float [D, N].</summary>
    public const string BankNegTwoTransposed = "bank_neg2t";

    /// <summary>Input: the squared norm of each bank row, float [1, N].</summary>
    public const string BankNorms = "bank_norms";

    /// <summary>Output: the distance of each patch (row after row of the finer grid) to its nearest bank row, float [1, H·W].</summary>
    public const string Distances = "distances";

    /// <summary>Builds the graph (opset 17).</summary>
    public static ModelProto Build()
    {
        var g = new GraphBuilder("edgetransfer_anomaly_scoring");
        var stage2 = g.AddInput(Stage2, DataType.Float, 1, "c2", "h", "w");
        var stage3 = g.AddInput(Stage3, DataType.Float, 1, "c3", "h3", "w3");
        var projection2 = g.AddInput(Projection2, DataType.Float, "d", "c2", 1, 1);
        var projection3 = g.AddInput(Projection3, DataType.Float, "d", "c3", 1, 1);
        var bank = g.AddInput(BankNegTwoTransposed, DataType.Float, "d", "n");
        var bankNorms = g.AddInput(BankNorms, DataType.Float, 1, "n");

        var fine = Smoothed(g, g.Node("Conv", [stage2, projection2]));
        var coarse = Smoothed(g, g.Node("Conv", [stage3, projection3]));
        var resized = g.Node("Resize", [coarse, string.Empty, string.Empty, g.Node("Shape", [fine])], Of("mode", "linear"), Of("coordinate_transformation_mode", "half_pixel"));
        var embedded = g.Node("Add", [fine, resized]);

        // [1, D, H, W] → [1, H·W, D]: one row per patch, as the bank's rows.
        var queries = g.Node("Transpose", [g.Node("Reshape", [embedded, g.Int64s("rows", 0, 0, -1)])], Of("perm", 0, 2, 1));
        var partial = g.Node("Add", [g.Node("MatMul", [queries, bank]), bankNorms]);
        var nearest = g.Node("ReduceMin", [partial], Of("axes", [2L]), Of("keepdims", 0L));
        var squared = g.Node("Add", [nearest, g.Node("ReduceSumSquare", [queries], Of("axes", [2L]), Of("keepdims", 0L))]);
        g.Node("Sqrt", [g.Node("Max", [squared, g.Scalar(0f, "zero")])], Distances);
        g.AddOutput(Distances, DataType.Float, 1, "patches");
        return g.Build("EdgeTransfer anomaly scoring graph: patch embeddings and nearest memory-bank distances (docs/anomaly.md).");
    }

    private static string Smoothed(GraphBuilder g, string map) =>
        g.Node("AveragePool", [map], Of("kernel_shape", 3L, 3L), Of("pads", 1L, 1L, 1L, 1L), Of("strides", 1L, 1L), Of("count_include_pad", 0L));
}
