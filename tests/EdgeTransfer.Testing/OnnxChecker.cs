using System.Diagnostics;

namespace EdgeTransfer.Testing;

/// <summary>
/// Runs the reference ONNX checker (Python <c>onnx.checker.check_model(full_check=True)</c>, which
/// includes strict shape inference) on a model file. The checker comes from Debian's
/// <c>python3-onnx</c>, which <c>.ci/run</c> installs.
/// </summary>
public static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";

    /// <summary>Why checker tests are skipped on a machine without it.</summary>
    public const string MissingReason = "The ONNX checker (python3-onnx) is not installed on this machine: apt-get install -y python3-onnx (see .ci/run).";

    /// <summary>Whether the checker can run on this machine.</summary>
    public static bool IsAvailable { get; } = Probe();

    /// <summary>Checks <paramref name="modelPath"/>; returns null when it passes, else the checker's message.</summary>
    /// <param name="modelPath">The .onnx file.</param>
    public static string? Check(string modelPath)
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException("The ONNX checker is not installed: apt-get install -y python3-onnx (see .ci/run).");
        }

        // Checking the loaded proto, not the path: given a path, onnx 1.12's full check writes the inferred
        // shapes back into the file, which changes a bundle's sha256 under the tests' feet.
        var (code, output) = Run("import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('ok')", modelPath);
        return code == 0 && output.Trim().EndsWith("ok", StringComparison.Ordinal) ? null : output;
    }

    private static bool Probe()
    {
        if (!File.Exists(Python))
        {
            return false;
        }

        var (code, _) = Run("import onnx");
        return code == 0;
    }

    private static (int Code, string Output) Run(string script, params string[] args)
    {
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}
