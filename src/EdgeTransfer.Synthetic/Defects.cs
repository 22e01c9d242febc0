using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Synthetic;

/// <summary>
/// Defects and harmless specks drawn on a surface. Sizes are fractions of the image side; every change
/// goes through <see cref="PartCanvas.Set"/> so that its mean colour change can be spread back.
/// </summary>
internal static class Defects
{
    /// <summary>Dust-like specks on every class, so that "any small blemish" does not mean "defect".</summary>
    public static void DrawSpecks(ref PartCanvas canvas, ref SplitMix64 rng)
    {
        var count = rng.NextInt(4);
        for (var s = 0; s < count; s++)
        {
            var cx = rng.Range(0f, canvas.Size);
            var cy = rng.Range(0f, canvas.Size);
            var radius = rng.Range(0.6f, 1.5f) * canvas.Scale;
            var amplitude = rng.Range(15f, 35f) * (rng.Chance(0.5f) ? 1f : -1f);
            var (x0, y0, x1, y1) = canvas.Clip(cx, cy, 3f * radius);
            var inv = 1f / (radius * radius);
            for (var y = y0; y <= y1; y++)
            {
                for (var x = x0; x <= x1; x++)
                {
                    var d2 = (((x - cx) * (x - cx)) + ((y - cy) * (y - cy))) * inv;
                    AddGrey(ref canvas, (y * canvas.Size) + x, amplitude * MathF.Exp(-d2));
                }
            }
        }
    }

    /// <summary>One or two thin, slightly curved scratches (quadratic Bézier), bright or dark, fading at the ends.</summary>
    public static void DrawScratches(ref PartCanvas canvas, ref SplitMix64 rng)
    {
        var count = rng.Chance(0.3f) ? 2 : 1;
        var size = canvas.Size;
        for (var s = 0; s < count; s++)
        {
            var length = rng.Range(0.25f, 0.6f) * size;
            var angle = rng.Range(0f, MathF.Tau);
            var (dx, dy) = (MathF.Cos(angle), MathF.Sin(angle));
            var cx = rng.Range(0.2f, 0.8f) * size;
            var cy = rng.Range(0.2f, 0.8f) * size;
            var bend = rng.Range(-0.2f, 0.2f) * length;
            var p0x = cx - (dx * length * 0.5f);
            var p0y = cy - (dy * length * 0.5f);
            var p2x = cx + (dx * length * 0.5f);
            var p2y = cy + (dy * length * 0.5f);
            var p1x = cx - (dy * bend);
            var p1y = cy + (dx * bend);
            var halfWidth = rng.Range(0.35f, 0.85f) * canvas.Scale;
            var amplitude = rng.Range(45f, 85f) * (rng.Chance(0.6f) ? 1f : -1f);
            var salt = (uint)rng.NextUInt64();

            canvas.Cover.Clear();
            const int Segments = 48;
            var ax = p0x;
            var ay = p0y;
            for (var k = 1; k <= Segments; k++)
            {
                var t = k / (float)Segments;
                var mt = 1f - t;
                var bx = (mt * mt * p0x) + (2f * mt * t * p1x) + (t * t * p2x);
                var by = (mt * mt * p0y) + (2f * mt * t * p1y) + (t * t * p2y);
                var tm = (k - 0.5f) / Segments;

                // Fades in and out at the ends, and is broken in places, like a real scratch.
                var strength = MathF.Pow(MathF.Sin(MathF.PI * tm), 0.35f) * (0.55f + (0.45f * Noise.Value(tm * 9f, salt)));
                CoverSegment(ref canvas, ax, ay, bx, by, halfWidth, strength);
                ax = bx;
                ay = by;
            }

            var (x0, y0, x1, y1) = canvas.Clip(cx, cy, (0.5f * length) + MathF.Abs(bend) + 3f);
            for (var y = y0; y <= y1; y++)
            {
                for (var x = x0; x <= x1; x++)
                {
                    var p = (y * size) + x;
                    var c = canvas.Cover[p];
                    if (c > 0f)
                    {
                        AddGrey(ref canvas, p, amplitude * c);
                    }
                }
            }
        }
    }

    /// <summary>A shallow elliptical dent: a Gaussian depression shaded by the light direction (lit and shadowed sides).</summary>
    public static void DrawDent(ref PartCanvas canvas, ref SplitMix64 rng, float lightAngle)
    {
        var size = canvas.Size;
        var cx = rng.Range(0.2f, 0.8f) * size;
        var cy = rng.Range(0.2f, 0.8f) * size;
        var a = rng.Range(0.05f, 0.12f) * size;
        var b = a * rng.Range(0.55f, 1f);
        var phi = rng.Range(0f, MathF.PI);
        var amplitude = rng.Range(35f, 60f);
        var light = lightAngle + rng.Range(-0.5f, 0.5f);

        // The light direction in the dent's own frame.
        var lx = MathF.Cos(light - phi);
        var ly = MathF.Sin(light - phi);
        var (cos, sin) = (MathF.Cos(phi), MathF.Sin(phi));
        var (x0, y0, x1, y1) = canvas.Clip(cx, cy, 2.5f * a);
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                var dx = x - cx;
                var dy = y - cy;
                var u = ((dx * cos) + (dy * sin)) / a;
                var v = ((-dx * sin) + (dy * cos)) / b;
                var r2 = (u * u) + (v * v);
                if (r2 > 6f)
                {
                    continue;
                }

                var h = MathF.Exp(-1.5f * r2);

                // A depression: the wall facing the light is lit, the other in shadow (Lambert, small slopes).
                var slope = 3f * h * ((u * lx) + (v * ly));
                AddGrey(ref canvas, (y * size) + x, (amplitude * slope * 0.8f) - (6f * h));
            }
        }
    }

    private static readonly float[][] StainTints = [[0.85f, 0.62f, 0.42f], [0.55f, 0.55f, 0.6f], [0.72f, 0.58f, 0.46f], [1.25f, 1.22f, 1.14f]];

    /// <summary>A blotchy stain: several overlapping blobs broken up by noise, tinted, with a darker drying ring.</summary>
    public static void DrawStain(ref PartCanvas canvas, ref SplitMix64 rng)
    {
        var size = canvas.Size;
        var cx = rng.Range(0.2f, 0.8f) * size;
        var cy = rng.Range(0.2f, 0.8f) * size;
        var radius = rng.Range(0.06f, 0.14f) * size;
        var opacity = rng.Range(0.4f, 0.7f);
        var tint = StainTints[rng.NextInt(StainTints.Length)];
        var salt = (uint)rng.NextUInt64();
        var blobs = 3 + rng.NextInt(5);
        Span<float> bx = stackalloc float[8];
        Span<float> by = stackalloc float[8];
        Span<float> bs = stackalloc float[8];
        for (var k = 0; k < blobs; k++)
        {
            bx[k] = cx + (rng.Range(-0.6f, 0.6f) * radius);
            by[k] = cy + (rng.Range(-0.6f, 0.6f) * radius);
            var sigma = rng.Range(0.35f, 0.7f) * radius;
            bs[k] = 1f / (sigma * sigma);
        }

        var noiseScale = 0.12f / canvas.Scale;
        var (x0, y0, x1, y1) = canvas.Clip(cx, cy, 2f * radius);
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                var f = 0f;
                for (var k = 0; k < blobs; k++)
                {
                    var dx = x - bx[k];
                    var dy = y - by[k];
                    f += MathF.Exp(-((dx * dx) + (dy * dy)) * bs[k]);
                }

                var m = f * (0.6f + (0.8f * Noise.Fractal(x * noiseScale, y * noiseScale, salt)));
                var alpha = SmoothStep(0.45f, 0.8f, m);
                if (alpha <= 0f)
                {
                    continue;
                }

                var ring = 4f * alpha * (1f - alpha);
                var w = opacity * ((0.8f * alpha) + (0.4f * ring));
                var p = (y * size) + x;
                var i = p * 3;
                canvas.Set(
                    p,
                    canvas.Rgb[i] * (1f + (w * (tint[0] - 1f))),
                    canvas.Rgb[i + 1] * (1f + (w * (tint[1] - 1f))),
                    canvas.Rgb[i + 2] * (1f + (w * (tint[2] - 1f))));
            }
        }
    }

    /// <summary>A small round hole seen slightly tilted: dark inside, a shadowed and a lit rim.</summary>
    public static void DrawHole(ref PartCanvas canvas, ref SplitMix64 rng, float lightAngle)
    {
        var size = canvas.Size;
        var cx = rng.Range(0.15f, 0.85f) * size;
        var cy = rng.Range(0.15f, 0.85f) * size;
        var radius = rng.Range(0.025f, 0.055f) * size;
        var squash = rng.Range(0.75f, 1f);
        var phi = rng.Range(0f, MathF.PI);
        var depth = rng.Range(8f, 40f);
        var rim = MathF.Max(1f, 1.6f * canvas.Scale);
        var rimLight = rng.Range(40f, 75f);
        var (cos, sin) = (MathF.Cos(phi), MathF.Sin(phi));
        var lx = MathF.Cos(lightAngle - phi);
        var ly = MathF.Sin(lightAngle - phi);
        var (x0, y0, x1, y1) = canvas.Clip(cx, cy, radius + (3f * rim) + 2f);
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                var dx = x - cx;
                var dy = y - cy;
                var u = (dx * cos) + (dy * sin);
                var v = ((-dx * sin) + (dy * cos)) / squash;
                var rho = MathF.Sqrt((u * u) + (v * v));
                var facing = rho > 1e-3f ? ((u * lx) + (v * ly)) / rho : 0f;

                // Chamfered rim: the side facing the light is bright, the far side dark (coverage anti-aliased).
                var band = Math.Clamp(1f - (MathF.Abs(rho - radius - (0.5f * rim)) / rim), 0f, 1f);
                var inside = Math.Clamp(radius - rho + 0.5f, 0f, 1f);
                if (band <= 0f && inside <= 0f)
                {
                    continue;
                }

                var p = (y * size) + x;
                var i = p * 3;
                var rimDelta = band * rimLight * -facing;
                var wall = depth + (18f * Math.Clamp(rho / radius, 0f, 1f) * MathF.Max(0f, facing));
                canvas.Set(
                    p,
                    Lerp(canvas.Rgb[i] + rimDelta, wall, inside),
                    Lerp(canvas.Rgb[i + 1] + rimDelta, wall, inside),
                    Lerp(canvas.Rgb[i + 2] + rimDelta, wall * 1.04f, inside));
            }
        }
    }

    // Distance-to-segment coverage, kept as the maximum over segments (no double-bright joints).
    private static void CoverSegment(ref PartCanvas canvas, float ax, float ay, float bx, float by, float halfWidth, float strength)
    {
        var size = canvas.Size;
        var reach = halfWidth + 1.5f;
        var x0 = Math.Max(0, (int)MathF.Floor(MathF.Min(ax, bx) - reach));
        var x1 = Math.Min(size - 1, (int)MathF.Ceiling(MathF.Max(ax, bx) + reach));
        var y0 = Math.Max(0, (int)MathF.Floor(MathF.Min(ay, by) - reach));
        var y1 = Math.Min(size - 1, (int)MathF.Ceiling(MathF.Max(ay, by) + reach));
        var ex = bx - ax;
        var ey = by - ay;
        var len2 = MathF.Max((ex * ex) + (ey * ey), 1e-6f);
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                var t = Math.Clamp((((x - ax) * ex) + ((y - ay) * ey)) / len2, 0f, 1f);
                var qx = ax + (t * ex) - x;
                var qy = ay + (t * ey) - y;
                var d = MathF.Sqrt((qx * qx) + (qy * qy));
                var c = Math.Clamp(halfWidth + 0.5f - d, 0f, 1f) * strength;
                var p = (y * size) + x;
                if (c > canvas.Cover[p])
                {
                    canvas.Cover[p] = c;
                }
            }
        }
    }

    private static void AddGrey(ref PartCanvas canvas, int p, float delta)
    {
        var i = p * 3;
        canvas.Set(p, canvas.Rgb[i] + delta, canvas.Rgb[i + 1] + delta, canvas.Rgb[i + 2] + delta);
    }

    private static float SmoothStep(float edge0, float edge1, float x)
    {
        var t = Math.Clamp((x - edge0) / (edge1 - edge0), 0f, 1f);
        return t * t * (3f - (2f * t));
    }

    private static float Lerp(float a, float b, float t) => a + ((b - a) * t);
}
