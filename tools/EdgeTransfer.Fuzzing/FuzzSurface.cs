namespace EdgeTransfer.Fuzzing;

/// <summary>
/// One kind of input the device reads from outside (images, manifests, device.json, checkpoints, anomaly models,
/// MQTT command bodies): its valid seed inputs, how to mutate them, and how the product code reads one.
/// </summary>
/// <remarks>
/// A surface owns a scratch directory with whatever it needs as a base (a bundle, a head registry, a staging
/// folder); <see cref="StoredFiles"/> lists the files of that base that no input may change.
/// </remarks>
public abstract class FuzzSurface : IDisposable
{
    private bool _disposed;

    /// <summary>Creates the surface's scratch directory.</summary>
    /// <param name="scratchName">The start of the scratch directory's name.</param>
    protected FuzzSurface(string scratchName)
    {
        ScratchDirectory = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "edgetransfer-fuzz", $"{scratchName}-{Guid.NewGuid().ToString("N")[..12]}")).FullName;
    }

    /// <summary>The surface's scratch directory, deleted on dispose.</summary>
    protected string ScratchDirectory { get; }

    /// <summary>The surface's name on the command line and in reports (<c>images</c>, <c>mqtt</c>, …).</summary>
    public abstract string Name { get; }

    /// <summary>Valid inputs: each is accepted as it is; mutations start from them.</summary>
    public abstract IReadOnlyList<byte[]> Seeds { get; }

    /// <summary>The files of the surface's base (a stored head, a bundle) that must be byte-for-byte intact after every input.</summary>
    public virtual IReadOnlyList<string> StoredFiles => [];

    /// <summary>A mutated copy of <paramref name="seed"/>.</summary>
    /// <param name="seed">One of <see cref="Seeds"/>.</param>
    /// <param name="random">The input's random source.</param>
    public abstract byte[] Mutate(byte[] seed, Random random);

    /// <summary>
    /// Reads <paramref name="input"/> the way the device does. Returns when it was accepted; throws the product's
    /// exception when it was refused, or <see cref="FuzzInvariantException"/> when the surface saw a broken
    /// promise that is no exception (e.g. an MQTT reply with raw .NET text).
    /// </summary>
    /// <param name="input">The input bytes.</param>
    public abstract void Exercise(byte[] input);

    /// <summary>Whether a refusal's message names the input (the file, the setting or the command) it is about.</summary>
    /// <param name="message">The message of the refusal.</param>
    public abstract bool NamesInput(string message);

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Dispose(true);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Deletes the scratch directory.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        try
        {
            Directory.Delete(ScratchDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
