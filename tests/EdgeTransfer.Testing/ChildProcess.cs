using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit;

namespace EdgeTransfer.Testing;

/// <summary>
/// Crash tests' harness: runs a test assembly as a child process under the dotnet host, waits until it prints a
/// line starting with <c>ready </c>, lets it run for a while, then kills it with SIGKILL.
/// </summary>
public static class ChildProcess
{
    /// <summary>How long the child may take to print its <c>ready </c> line.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Starts <paramref name="assembly"/> with <paramref name="arguments"/>, waits for its <c>ready </c> line,
    /// sleeps <paramref name="delayMs"/> milliseconds and kills it (SIGKILL on Unix: no finally blocks, no
    /// flushing, no disposal in the child). Fails the test if the child exits by itself, is not ready within
    /// <see cref="StartTimeout"/>, or writes anything to standard error.
    /// </summary>
    /// <param name="assembly">The path of the child's assembly (a test project's own one, with its <c>Main</c>).</param>
    /// <param name="arguments">The child's command-line arguments.</param>
    /// <param name="delayMs">How long to let the child run once it is ready, in milliseconds.</param>
    /// <returns>The lines the child wrote to standard output before it died, in order.</returns>
    public static IReadOnlyList<string> RunAndKill(string assembly, IEnumerable<string> arguments, int delayMs)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

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

    /// <summary>
    /// The dotnet host to start a child with: the SDK's (<c>DOTNET_HOST_PATH</c>), else this process's own when
    /// it is dotnet, else <c>dotnet</c> from the path.
    /// </summary>
    /// <returns>The path or name of the dotnet host.</returns>
    public static string DotnetHost()
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
