namespace EdgeTransfer.Benchmarks.Tests;

internal static class TestData
{
    public static MachineInfo Machine { get; } = new("Test CPU", 2, "TestOS", "X64", ".NET test", "1.31.1", Avx2: true, Avx512F: true, Vnni: true, LoadAverage: double.NaN);

    public static TimingStatistics Constant(double value, int runs = 20) => TimingStatistics.From(Enumerable.Repeat(value, runs));
}
