namespace EdgeTransfer.Training.Recipes;

/// <summary>Limited-memory BFGS (Nocedal and Wright, algorithm 7.4/7.5) with a backtracking Armijo line search.</summary>
internal static class Lbfgs
{
    private const int Memory = 10;

    /// <summary>Minimises <paramref name="objective"/> from <paramref name="x"/> (updated in place).</summary>
    /// <param name="objective">Returns f(x) and writes ∇f(x) into its second argument.</param>
    /// <param name="x">The start, and on return the minimiser found.</param>
    /// <param name="maxIterations">The most iterations.</param>
    public static void Minimise(Func<double[], double[], double> objective, double[] x, int maxIterations)
    {
        var n = x.Length;
        var g = new double[n];
        var f = objective(x, g);
        var s = new List<double[]>();
        var y = new List<double[]>();
        var direction = new double[n];
        var alpha = new double[Memory];
        var trial = new double[n];
        var trialGradient = new double[n];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            if (Norm(g) <= 1e-5 * Math.Max(1, Norm(x)))
            {
                return;
            }

            // Two-loop recursion: direction = −H·g.
            Array.Copy(g, direction, n);
            for (var i = s.Count - 1; i >= 0; i--)
            {
                alpha[i] = Dot(s[i], direction) / Dot(y[i], s[i]);
                Axpy(-alpha[i], y[i], direction);
            }

            var gamma = s.Count > 0 ? Dot(s[^1], y[^1]) / Dot(y[^1], y[^1]) : 1 / Math.Max(1, Norm(g));
            for (var i = 0; i < n; i++)
            {
                direction[i] *= gamma;
            }

            for (var i = 0; i < s.Count; i++)
            {
                var beta = Dot(y[i], direction) / Dot(y[i], s[i]);
                Axpy(alpha[i] - beta, s[i], direction);
            }

            for (var i = 0; i < n; i++)
            {
                direction[i] = -direction[i];
            }

            var slope = Dot(g, direction);
            if (slope >= 0)
            {
                // Not a descent direction (curvature lost): restart from the gradient.
                s.Clear();
                y.Clear();
                continue;
            }

            var step = 1.0;
            double trialF;
            while (true)
            {
                for (var i = 0; i < n; i++)
                {
                    trial[i] = x[i] + (step * direction[i]);
                }

                trialF = objective(trial, trialGradient);
                if (trialF <= f + (1e-4 * step * slope) || step < 1e-10)
                {
                    break;
                }

                step *= 0.5;
            }

            var sNew = new double[n];
            var yNew = new double[n];
            for (var i = 0; i < n; i++)
            {
                sNew[i] = trial[i] - x[i];
                yNew[i] = trialGradient[i] - g[i];
            }

            Array.Copy(trial, x, n);
            Array.Copy(trialGradient, g, n);
            var improvement = f - trialF;
            f = trialF;
            if (Dot(sNew, yNew) > 1e-12)
            {
                s.Add(sNew);
                y.Add(yNew);
                if (s.Count > Memory)
                {
                    s.RemoveAt(0);
                    y.RemoveAt(0);
                }
            }

            if (improvement <= 1e-10 * Math.Max(1, Math.Abs(f)))
            {
                return;
            }
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }
}
