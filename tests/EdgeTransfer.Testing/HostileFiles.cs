using System.Diagnostics;
using Xunit;

namespace EdgeTransfer.Testing;

/// <summary>
/// Paths that are not ordinary image files, as a hostile or clumsy user passes them: a directory, a FIFO
/// without a writer (opening it would block), the endless /dev/zero, and a sparse file larger than a limit.
/// </summary>
public static class HostileFiles
{
    /// <summary>The endless character device.</summary>
    public const string DevZero = "/dev/zero";

    /// <summary>Makes a FIFO (named pipe) with no writer at <paramref name="path"/> (Linux: mkfifo).</summary>
    public static string Fifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("mkfifo could not be started.");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfifo {path} failed with exit code {process.ExitCode}.");
        }

        return path;
    }

    /// <summary>Makes a sparse file of <paramref name="bytes"/> bytes (no disk blocks: like truncate -s).</summary>
    public static string Sparse(string path, long bytes)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.SetLength(bytes);
        return path;
    }

    /// <summary>Runs <paramref name="func"/>, failing the test if it has not returned within <paramref name="seconds"/> (a blocked open of a FIFO).</summary>
    public static T Within<T>(Func<T> func, int seconds = 20)
    {
        var task = Task.Run(func);
        if (Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(seconds))).GetAwaiter().GetResult() != task)
        {
            throw new TimeoutException($"still blocked after {seconds} s: the file was opened instead of refused.");
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>Asserts that <paramref name="action"/> throws <typeparamref name="TException"/> within <paramref name="seconds"/>.</summary>
    public static TException ThrowsWithin<TException>(Action action, int seconds = 20)
        where TException : Exception =>
        Within(() => Assert.Throws<TException>(action), seconds);
}
