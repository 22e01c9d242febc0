using System.Security.Cryptography;

namespace EdgeTransfer.Artifacts.IO;

/// <summary>
/// A forward-only write stream that hashes and counts what passes through it to an inner stream,
/// so a file's SHA-256 is known the moment it is written, without reading it back.
/// </summary>
/// <remarks>Does not own the inner stream: disposing this stream leaves the inner one open.</remarks>
internal sealed class HashingWriteStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public HashingWriteStream(Stream inner)
    {
        _inner = inner;
    }

    public long BytesWritten { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => BytesWritten;

    // Writers such as protobuf's ask for the position; seeking would break the running hash.
    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException("Bundle and checkpoint files are written front to back; seeking is not supported.");
    }

    /// <summary>The digest of everything written so far (the hash can go on after this call).</summary>
    public byte[] CurrentHash() => _hash.GetCurrentHash();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        _hash.AppendData(buffer);
        BytesWritten += buffer.Length;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
