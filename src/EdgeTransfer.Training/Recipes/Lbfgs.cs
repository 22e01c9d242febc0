namespace EdgeTransfer.Training.Recipes;

/// <summary>Limited-memory BFGS (Nocedal and Wright, algorithm 7.4/7.5) with a backtracking Armijo line search.</summary>
internal static class Lbfgs
{
    private const int Memory = 10;
    private const int Ring = Memory + 1;

    /// <summary>Minimises <paramref name="objective"/> from <paramref name="x"/> (updated in place).</summary>
    /// <param name="objective">Returns f(x) and writes ∇f(x) into its second argument.</param>
    /// <param name="x">The start, and on return the minimiser found.</param>
    /// <param name="maxIterations">The most iterations.</param>
    public static void Minimise(Func<double[], double[], double> objective, double[] x, int maxIterations)
    {
        var n = x.Length;
        var g = new double[n];
        var f = objective(x, g);
        // The last Memory steps and gradient changes, in a ring of vectors allocated once: a recipe grid runs
        // L-BFGS hundreds of times, and two new vectors per iteration were most of the training's small garbage.
        // One slot more than Memory, so a new pair is written into a free slot and only then accepted or dropped.
        var s = new double[Ring][];
        var y = new double[Ring][];
        var (first, count) = (0, 0);
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
            for (var i = count - 1; i >= 0; i--)
            {
                var (si, yi) = (s[(first + i) % Ring], y[(first + i) % Ring]);
                alpha[i] = Dot(si, direction) / Dot(yi, si);
                Axpy(-alpha[i], yi, direction);
            }

            var newest = (first + count - 1) % Ring;
            var gamma = count > 0 ? Dot(s[newest], y[newest]) / Dot(y[newest], y[newest]) : 1 / Math.Max(1, Norm(g));
            for (var i = 0; i < n; i++)
            {
                direction[i] *= gamma;
            }

            for (var i = 0; i < count; i++)
            {
                var (si, yi) = (s[(first + i) % Ring], y[(first + i) % Ring]);
                var beta = Dot(yi, direction) / Dot(yi, si);
                Axpy(alpha[i] - beta, si, direction);
            }

            for (var i = 0; i < n; i++)
            {
                direction[i] = -direction[i];
            }

            var slope = Dot(g, direction);
            if (slope >= 0)
            {
                // Not a descent direction (curvature lost): restart from the gradient.
                (first, count) = (0, 0);
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

            var slot = (first + count) % Ring;
            var sNew = s[slot] ??= new double[n];
            var yNew = y[slot] ??= new double[n];
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
                if (count < Memory)
                {
                    count++;
                }
                else
                {
                    first = (first + 1) % Ring;
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
