using EdgeTransfer.Artifacts.Randomness;

namespace EdgeTransfer.Synthetic;

/// <summary>
/// Procedural surface textures. Coordinates are rotated by a random pose angle, shifted by a random
/// offset and scaled, in reference pixels (a 224-pixel frame), so textures look alike at any image size.
/// </summary>
internal static class Surfaces
{
    private static readonly float[][] WoodColours = [[196, 152, 104], [164, 112, 70], [120, 78, 46], [180, 138, 96]];
    private static readonly float[][] FabricColours = [[62, 72, 112], [112, 116, 82], [132, 132, 138], [186, 170, 140], [128, 62, 60]];
    private static readonly float[][] PlasticColours = [[196, 46, 40], [226, 186, 48], [44, 92, 170], [66, 66, 72], [202, 202, 196], [46, 132, 74]];

    public static void Draw(ref PartCanvas canvas, SurfaceKind kind, ref SplitMix64 rng)
    {
        var angle = rng.Range(0f, MathF.PI);
        var cos = MathF.Cos(angle);
        var sin = MathF.Sin(angle);
        var zoom = rng.Range(0.8f, 1.25f) / canvas.Scale;
        var ox = rng.Range(0f, 4096f);
        var oy = rng.Range(0f, 4096f);
        var salt = (uint)rng.NextUInt64();
        var pose = new Pose(cos * zoom, sin * zoom, ox, oy, (canvas.Size - 1) * 0.5f);
        switch (kind)
        {
            case SurfaceKind.BrushedMetal:
                BrushedMetal(ref canvas, pose, salt, ref rng);
                break;
            case SurfaceKind.WovenFabric:
                WovenFabric(ref canvas, pose, salt, ref rng);
                break;
            case SurfaceKind.WoodGrain:
                WoodGrain(ref canvas, pose, salt, ref rng);
                break;
            default:
                PaintedPlastic(ref canvas, pose, salt, ref rng);
                break;
        }
    }

    private static (float R, float G, float B) Jitter(float[] colour, ref SplitMix64 rng, float amount)
    {
        var k = rng.Range(1f - amount, 1f + amount);
        return (colour[0] * k * rng.Range(0.96f, 1.04f), colour[1] * k * rng.Range(0.96f, 1.04f), colour[2] * k * rng.Range(0.96f, 1.04f));
    }

    // Fine streaks across the brushing direction, slow patches along it, and a broad specular band.
    private static void BrushedMetal(ref PartCanvas canvas, Pose pose, uint salt, ref SplitMix64 rng)
    {
        var grey = rng.Range(125f, 190f);
        var tr = rng.Range(0.96f, 1.03f);
        var tb = rng.Range(0.98f, 1.06f);
        var sheenOffset = rng.Range(-80f, 80f);
        var sheenWidth = rng.Range(25f, 60f);
        var sheen = rng.Range(0f, 22f);
        var streakScale = rng.Range(0.6f, 1.2f);
        var size = canvas.Size;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (u, v, vc) = pose.Map(x, y);
                var warp = 3f * Noise.Value(u * 0.01f, v * 0.01f, salt);
                var fine = Noise.Value((v * streakScale) + warp, salt + 2);
                var fine2 = Noise.Value(v * 2.3f, salt + 3);
                var along = Noise.Value(u * 0.02f, v * 0.3f, salt + 4);
                var band = (vc - sheenOffset) / sheenWidth;
                var l = (grey * (1f + (0.12f * (fine - 0.5f)) + (0.07f * (fine2 - 0.5f)) + (0.08f * (along - 0.5f)))) + (sheen * MathF.Exp(-band * band));
                var i = ((y * size) + x) * 3;
                canvas.Rgb[i] = l * tr;
                canvas.Rgb[i + 1] = l;
                canvas.Rgb[i + 2] = l * tb;
            }
        }
    }

    // Plain weave: threads alternate over and under; each thread has a rounded profile and its own shade.
    private static void WovenFabric(ref PartCanvas canvas, Pose pose, uint salt, ref SplitMix64 rng)
    {
        var (r, g, b) = Jitter(FabricColours[rng.NextInt(FabricColours.Length)], ref rng, 0.12f);
        var weftTint = rng.Range(0.85f, 1.1f);
        var pitch = rng.Range(4f, 7f);
        var inv = 1f / pitch;
        var size = canvas.Size;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (u, v, _) = pose.Map(x, y);
                var a = u * inv;
                var c = v * inv;
                var fa = MathF.Floor(a);
                var fc = MathF.Floor(c);
                var ia = (int)fa;
                var ic = (int)fc;
                float profile;
                float shade;
                float tint;
                if (((ia + ic) & 1) == 0)
                {
                    profile = MathF.Sin(MathF.PI * (c - fc));
                    shade = Noise.Hash(ic, 7, salt);
                    tint = 1f;
                }
                else
                {
                    profile = MathF.Sin(MathF.PI * (a - fa));
                    shade = Noise.Hash(ia, 9, salt);
                    tint = weftTint;
                }

                var k = (0.62f + (0.38f * MathF.Sqrt(profile)) + (0.08f * (shade - 0.5f)) + (0.06f * (Noise.Value(u * 0.05f, v * 0.05f, salt + 1) - 0.5f))) * tint;
                var i = ((y * size) + x) * 3;
                canvas.Rgb[i] = r * k;
                canvas.Rgb[i + 1] = g * k;
                canvas.Rgb[i + 2] = b * k;
            }
        }
    }

    // Growth rings (a warped sawtooth across the grain, dark late wood) and fine fibres along it.
    private static void WoodGrain(ref PartCanvas canvas, Pose pose, uint salt, ref SplitMix64 rng)
    {
        var (r, g, b) = Jitter(WoodColours[rng.NextInt(WoodColours.Length)], ref rng, 0.1f);
        var ringFrequency = rng.Range(0.04f, 0.09f);
        var warpAmount = rng.Range(10f, 30f);
        var ringDepth = rng.Range(0.2f, 0.35f);
        var size = canvas.Size;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (u, v, _) = pose.Map(x, y);

                // Slowly warped rings of uneven width and darkness, like flat-sawn timber.
                var ring = (v + (warpAmount * Noise.Fractal(u * 0.005f, v * 0.012f, salt))) * ringFrequency;
                var ringIndex = MathF.Floor(ring);
                ring -= ringIndex;
                var late = ring * ring;
                late *= late * (0.6f + (0.8f * Noise.Hash((int)ringIndex, 11, salt)));
                var fibre = Noise.Value(v * 1.4f, u * 0.04f, salt + 3);
                var k = 1f - (ringDepth * late) + (0.09f * (fibre - 0.5f));
                var i = ((y * size) + x) * 3;
                canvas.Rgb[i] = r * k;
                canvas.Rgb[i + 1] = g * k;
                canvas.Rgb[i + 2] = b * k;
            }
        }
    }

    // Even colour with slow mottling and a fine orange-peel texture.
    private static void PaintedPlastic(ref PartCanvas canvas, Pose pose, uint salt, ref SplitMix64 rng)
    {
        var (r, g, b) = Jitter(PlasticColours[rng.NextInt(PlasticColours.Length)], ref rng, 0.1f);
        var mottle = rng.Range(0.03f, 0.08f);
        var peel = rng.Range(0.02f, 0.05f);
        var size = canvas.Size;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (u, v, _) = pose.Map(x, y);
                var k = 1f + (mottle * (Noise.Fractal(u * 0.02f, v * 0.02f, salt) - 0.5f)) + (peel * (Noise.Value(u * 0.45f, v * 0.45f, salt + 5) - 0.5f));
                var i = ((y * size) + x) * 3;
                canvas.Rgb[i] = r * k;
                canvas.Rgb[i + 1] = g * k;
                canvas.Rgb[i + 2] = b * k;
            }
        }
    }

    /// <summary>Pixel → texture coordinates: rotate about the centre, scale to reference pixels, shift.</summary>
    private readonly record struct Pose(float Cos, float Sin, float OffsetX, float OffsetY, float Centre)
    {
        /// <summary>Returns (u along the texture direction, v across it, v without offset).</summary>
        public (float U, float V, float VCentred) Map(int x, int y)
        {
            var dx = x - Centre;
            var dy = y - Centre;
            var vc = (-dx * Sin) + (dy * Cos);
            return ((dx * Cos) + (dy * Sin) + OffsetX, vc + OffsetY, vc);
        }
    }
}
