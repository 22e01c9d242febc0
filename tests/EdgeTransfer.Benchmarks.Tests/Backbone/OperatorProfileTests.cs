using EdgeTransfer.Benchmarks.Backbone;

namespace EdgeTransfer.Benchmarks.Tests.Backbone;

public class OperatorProfileTests
{
    [Fact]
    public void Parse_SumsKernelTimesByOperator_AndIgnoresFencesAndSessionEvents()
    {
        // Given an ORT trace of two runs: two QLinearConv nodes and one QLinearAdd, with fences and a session event
        const string trace = """
        [
          {"cat":"Session","name":"model_run","dur":9999,"args":{}},
          {"cat":"Node","name":"conv1_kernel_time","dur":3000,"args":{"op_name":"QLinearConv"}},
          {"cat":"Node","name":"conv1_fence_before","dur":500,"args":{"op_name":"QLinearConv"}},
          {"cat":"Node","name":"conv2_kernel_time","dur":1000,"args":{"op_name":"QLinearConv"}},
          {"cat":"Node","name":"add_kernel_time","dur":1000,"args":{"op_name":"QLinearAdd"}},
          {"cat":"Node","name":"conv1_kernel_time","dur":3000,"args":{"op_name":"QLinearConv"}},
          {"cat":"Node","name":"conv2_kernel_time","dur":1000,"args":{"op_name":"QLinearConv"}},
          {"cat":"Node","name":"add_kernel_time","dur":1000,"args":{"op_name":"QLinearAdd"}}
        ]
        """;

        // When it is parsed as two runs
        var profile = OperatorProfile.Parse("int8", trace, runs: 2);

        // Then QLinearConv comes first with 2 nodes, 4 ms per run and 80 % of the kernel time
        var conv = profile.Operators[0];
        Assert.Equal("QLinearConv", conv.OpType);
        Assert.Equal(2, conv.Nodes);
        Assert.Equal(4.0, conv.MillisecondsPerRun, 9);
        Assert.Equal(0.8, conv.Share, 9);
        Assert.Equal(5.0, profile.KernelMillisecondsPerRun, 9);
    }
}
