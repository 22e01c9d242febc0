using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using EdgeTransfer.Artifacts.IO;
using EdgeTransfer.Artifacts.Manifest;
using EdgeTransfer.Runtime.Heads;
using EdgeTransfer.Runtime.Learning.Tests.Support;
using EdgeTransfer.Testing;
using EdgeTransfer.Training;
using Xunit.Abstractions;

namespace EdgeTransfer.Runtime.Learning.Tests.CrashHelper;

/// <summary>
/// Real crashes: a child process (this assembly's <see cref="Program"/>) trains and promotes heads in a loop and
/// is killed with SIGKILL at random moments; after each kill the head in service must be the last promoted one,
/// whole, and must load and predict.
/// </summary>
public class KillDuringTrainingTests(ITestOutputHelper output)
{
    private const int Rounds = 6;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void OnDeviceTrainer_KilledDuringTrainingAndPromotion_RestartsOnTheLastPromotedHead()
    {
        // Given a bundle, stored samples, and a child process that trains and promotes in a loop
        using var temp = new TempDirectory();
        var bundle = LearningBundle.Write(temp.Combine("bundle"));
        var samples = Samples.Fill(temp.Combine("store"), bundle.Manifest.Features.Size, [30, 30, 30]);
        var heads = temp.Combine("heads");
        var random = new Random(20261126);
        var lastNumber = 0;
        for (var round = 1; round <= Rounds; round++)
        {
            // When it is killed with SIGKILL at a random moment
            var lines = RunAndKill(bundle.DirectoryPath, heads, temp.Combine("store"), round, random.Next(50, 1500));
            var reported = lines.Where(l => l.StartsWith("promoted ", StringComparison.Ordinal) || l.StartsWith("ready ", StringComparison.Ordinal))
                .Select(l => int.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture)).Max();

            // Then the registry opens on the last head the child reported promoted, or on the one whose pointer
            // switch it had just made when it died (the report line did not get out)
            using var registry = HeadRegistry.Open(heads, bundle.Manifest.BundleId);
            var current = registry.Current;
            Assert.NotNull(current);
            Assert.InRange(current.Number, reported, reported + 1);
            Assert.True(current.Number >= lastNumber, $"round {round}: went back from v{lastNumber} to {current.Name}");
            lastNumber = current.Number;

            // And it is whole (the checksum was verified on open and again now), loads, and predicts probabilities
            var head = registry.ReadCurrent();
            Assert.Equal(current.Number.ToString(CultureInfo.InvariantCulture), head.Metadata["headVersion"]);
            using var predictor = HeadPredictor.Load(bundle.GetPath(BundleRoles.InferenceModel), head);
            var probabilities = predictor.Predict(samples.Features);
            Assert.All(probabilities, p => Assert.True(float.IsFinite(p) && p >= 0 && p <= 1));
            for (var r = 0; r < samples.Count; r++)
            {
                Assert.Equal(1f, probabilities.AsSpan(r * 3, 3).ToArray().Sum(), 3);
            }

            // And no half-written file is left to be read: temporary files are gone, nothing above the head in
            // service survives, and every repair is of an unfinished write, never a damaged committed head
            Assert.Empty(Directory.GetFiles(heads, "*" + AtomicFile.TempSuffix));
            Assert.All(registry.Versions, v => Assert.True(v.Number <= current.Number));
            Assert.All(registry.Issues, i => Assert.True(i.Contains("did not finish", StringComparison.Ordinal), i));
            var trained = current.Source == HeadSource.Trained ? $"trained, accuracy {current.Metrics!.ValidationAccuracy:F3}" : current.Source.ToString();
            output.WriteLine($"round {round}: killed after {lines.Count - 1} promotions reported (last {reported}), serving {current.Name} ({trained}); repairs: {(registry.Issues.Count == 0 ? "none" : string.Join(" | ", registry.Issues))}");
        }
    }

    private static List<string> RunAndKill(string bundle, string heads, string store, int seed, int delayMs)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add(Program.TrainLoop);
        start.ArgumentList.Add(bundle);
        start.ArgumentList.Add(heads);
        start.ArgumentList.Add(store);
        start.ArgumentList.Add(seed.ToString(CultureInfo.InvariantCulture));

        var lines = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        using var ready = new ManualResetEventSlim();
        using var child = new Process { StartInfo = start };
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Enqueue(e.Data);
                if (e.Data.StartsWith("ready ", StringComparison.Ordinal))
                {
                    ready.Set();
                }
            }
        };
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                errors.Enqueue(e.Data);
            }
        };
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!ready.Wait(100))
            {
                Assert.False(child.HasExited, $"the child exited with {(child.HasExited ? child.ExitCode : 0)} before it was ready: {string.Join('\n', errors)}");
                Assert.True(deadline.Elapsed < StartTimeout, "the child did not get ready in time");
            }

            Thread.Sleep(delayMs);
            Assert.False(child.HasExited, $"the child died by itself: {string.Join('\n', errors)}");
        }
        finally
        {
            // Process.Kill sends SIGKILL on Unix: no finally blocks, no flushing, no disposal in the child.
            child.Kill();
            child.WaitForExit();
        }

        Assert.Empty(errors);
        return [.. lines];
    }

    private static string DotnetHost()
    {
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk))
        {
            return fromSdk;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
