namespace EdgeTransfer.Onnx.Building;

/// <summary>
/// One dimension of a graph input or output shape: a fixed size, or a symbolic name such as <c>N</c>
/// that ONNX leaves to the caller (see the ONNX IR, "Tensor shapes": <c>dim_value</c> / <c>dim_param</c>).
/// </summary>
public readonly record struct ShapeDim
{
    private ShapeDim(long size, string? symbol)
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
    public static ShapeDim Fixed(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return new ShapeDim(size, null);
    }

    /// <summary>A symbolic dimension.</summary>
    /// <param name="symbol">The name shared by every dimension that must be equal (<c>N</c> for the batch).</param>
    public static ShapeDim Symbolic(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        return new ShapeDim(-1, symbol);
    }

    /// <summary>Same as <see cref="Fixed(long)"/>.</summary>
    /// <param name="size">The size.</param>
    public static ShapeDim FromInt64(long size) => Fixed(size);

    /// <summary>Same as <see cref="Symbolic(string)"/>.</summary>
    /// <param name="symbol">The symbol.</param>
    public static ShapeDim FromString(string symbol) => Symbolic(symbol);

    /// <summary>A fixed dimension.</summary>
    /// <param name="size">The size.</param>
    public static implicit operator ShapeDim(long size) => Fixed(size);

    /// <summary>A symbolic dimension.</summary>
    /// <param name="symbol">The symbol.</param>
    public static implicit operator ShapeDim(string symbol) => Symbolic(symbol);

    /// <inheritdoc />
    public override string ToString() => Symbol ?? Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
