namespace EdgeTransfer.Onnx.Building;

/// <summary>
/// One dimension of a graph input or output shape: a fixed size, or a symbolic name such as <c>N</c>
/// that ONNX leaves to the caller (see the ONNX IR, "Tensor shapes": <c>dim_value</c> / <c>dim_param</c>).
/// </summary>
public readonly record struct Dim
{
    private Dim(long size, string? symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or -1 for a symbolic dimension.</summary>
    public long Size { get; }

    /// <summary>The symbolic name, or null for a fixed dimension.</summary>
    public string? Symbol { get; }

    /// <summary>Whether the dimension is symbolic.</summary>
    public bool IsSymbolic => Symbol is not null;

    /// <summary>A fixed dimension.</summary>
    /// <param name="size">The size, zero or more.</param>
    public static Dim Fixed(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return new Dim(size, null);
    }

    /// <summary>A symbolic dimension.</summary>
    /// <param name="symbol">The name shared by every dimension that must be equal (<c>N</c> for the batch).</param>
    public static Dim Symbolic(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        return new Dim(-1, symbol);
    }

    /// <summary>Same as <see cref="Fixed(long)"/>.</summary>
    /// <param name="size">The size.</param>
    public static Dim FromInt64(long size) => Fixed(size);

    /// <summary>Same as <see cref="Symbolic(string)"/>.</summary>
    /// <param name="symbol">The symbol.</param>
    public static Dim FromString(string symbol) => Symbolic(symbol);

    /// <summary>A fixed dimension.</summary>
    /// <param name="size">The size.</param>
    public static implicit operator Dim(long size) => Fixed(size);

    /// <summary>A symbolic dimension.</summary>
    /// <param name="symbol">The symbol.</param>
    public static implicit operator Dim(string symbol) => Symbolic(symbol);

    /// <inheritdoc />
    public override string ToString() => Symbol ?? Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
