using EdgeTransfer.Fuzzing;
using EdgeTransfer.Testing;

namespace EdgeTransfer.Fuzz.Tests;

/// <summary>The runner's own promises: replayable inputs, failures classified, reported and written, stored files watched.</summary>
public sealed class FuzzRunnerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void InputFor_SameSeedAndIteration_GivesTheSameInput()
    {
        using var surface = FuzzSurfaces.Create("mqtt");

        var first = FuzzRunner.InputFor(surface, 7, 42);
        var again = FuzzRunner.InputFor(surface, 7, 42);
        var other = FuzzRunner.InputFor(surface, 7, 43);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Run_AnInputThatThrowsARuntimeException_IsAFailureWithSeedIterationAndItsInputWritten()
    {
        // Given a surface that throws InvalidCastException for inputs starting with 'x'
        using var surface = new FakeSurface(input => input.Length > 0 && input[0] == (byte)'x' ? throw new InvalidCastException() : null);
        var lines = new List<string>();

        // When it runs
        var report = FuzzRunner.Run(surface, new FuzzOptions { Count = 50, Seed = 3, FailureDirectory = _temp.Path }, lines.Add);

        // Then each such input is a failure, printed with seed and iteration, and written to a file that holds it
        Assert.True(report.Failures > 0);
        var failure = report.FirstFailures[0];
        Assert.Contains(nameof(InvalidCastException), failure.Reason, StringComparison.Ordinal);
        Assert.Equal(FuzzRunner.InputFor(surface, 3, failure.Iteration), File.ReadAllBytes(failure.InputFile!));
        Assert.Contains(lines, l => l.Contains($"seed=3 iteration={failure.Iteration}", StringComparison.Ordinal));
        Assert.Equal(report.Inputs, report.Successes + report.ClearErrors + report.Failures);
    }

    [Theory]
    [InlineData("fake: its header is not valid at 'x': The JSON value could not be converted to System.String.", FuzzOutcomeKind.Failure)]
    [InlineData("fake: inconsistent: bad rows. (Parameter 'rows')", FuzzOutcomeKind.Failure)]
    [InlineData("something else: no input named.", FuzzOutcomeKind.Failure)]
    [InlineData("fake: expected a whole number, got \"x\".", FuzzOutcomeKind.ClearError)]
    public void Check_ASdkError_IsClearOnlyWhenItNamesTheInputWithoutRuntimeText(string message, FuzzOutcomeKind expected)
    {
        using var surface = new FakeSurface(_ => new EdgeTransferException(message));

        Assert.Equal(expected, FuzzRunner.Check(surface, [1]).Kind);
    }

    [Fact]
    public void Run_AnInputThatChangesAStoredFile_StopsTheRunWithAFailure()
    {
        // Given a surface whose base file is overwritten by the inputs it refuses (those starting with 'x')
        var stored = _temp.Combine("head.etck");
        File.WriteAllBytes(stored, [1, 2, 3]);
        using var surface = new FakeSurface(input => input[0] == (byte)'x' ? Overwrite(stored) : null, [stored]) { RefuseAfterwards = true };

        var report = FuzzRunner.Run(surface, new FuzzOptions { Count = 10, FailureDirectory = _temp.Path });

        Assert.True(report.Aborted);
        Assert.Contains("head.etck changed", report.FirstFailures.Single().Reason, StringComparison.Ordinal);
    }

    private static Exception? Overwrite(string path)
    {
        File.WriteAllBytes(path, [9]);
        return null;
    }

    /// <summary>A surface whose answer to each input is given by a function (an exception to throw, or null to accept).</summary>
    private sealed class FakeSurface(Func<byte[], Exception?> answer, IReadOnlyList<string>? stored = null) : FuzzSurface("fake")
    {
        public override string Name => "fake";

        public override IReadOnlyList<byte[]> Seeds { get; } = ["seed"u8.ToArray(), "xeed"u8.ToArray()[1..]];

        public override IReadOnlyList<string> StoredFiles => stored ?? [];

        public override byte[] Mutate(byte[] seed, Random random) => random.Next(2) == 0 ? [.. "x"u8, .. seed] : seed;

        /// <summary>Throws a clear error after the answer function ran (so a change it made comes from a refused input).</summary>
        public bool RefuseAfterwards { get; set; }

        public override void Exercise(byte[] input)
        {
            if (answer(input) is { } error)
            {
                throw error;
            }

            if (RefuseAfterwards && input.Length > 0 && input[0] == (byte)'x')
            {
                throw new EdgeTransferException("fake: refused.");
            }
        }

        public override bool NamesInput(string message) => message.StartsWith("fake", StringComparison.Ordinal);
    }
}
