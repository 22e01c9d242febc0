using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using EdgeTransfer.Artifacts.IO;

namespace EdgeTransfer.Mqtt.Outbox;

/// <summary>
/// A bounded, crash-safe, on-disk FIFO of messages waiting for the broker. The device keeps working
/// while the broker is away; the connection drains the queue in order, with QoS 1, when it is back.
/// Thread-safe.
/// </summary>
/// <remarks>
/// <para>Each message is one file, <c>{id:D20}.msg</c>, written atomically (temporary file, fsync,
/// rename, directory fsync) with a CRC-32C over its header and body. A power cut leaves either the
/// whole message or none of it; a file that fails its checksum is discarded and counted, never sent.
/// Deleting a file is the acknowledgement. One file per message costs an fsync per message, which
/// matches the rates here (telemetry every few seconds, sampled events, rare results); a log-structured
/// queue would only pay off at thousands of messages per second.</para>
/// <para>Delivery is at least once: a message is removed only after the broker's PUBACK (MQTT 5
/// §4.3.2), so a crash between PUBACK and delete resends it; consumers drop duplicates by <c>seq</c>.</para>
/// <para>When full, the oldest message of the lowest <see cref="MessageClass"/> goes first: telemetry,
/// then events, and critical results only when nothing else is left. A new message of a lower class
/// than everything queued is itself dropped instead. Every drop is counted.</para>
/// </remarks>
public sealed class MqttOutbox : IDisposable
{
    private const uint Magic = 0x424F5445; // "ETOB" little-endian
    private const int HeaderBytes = 16;
    private const string Extension = ".msg";
    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly SortedDictionary<long, Entry> _entries = [];
    private readonly SortedSet<long>[] _byClass = [[], [], []];
    private TaskCompletionSource _available = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId = 1;
    private long _bytes;
    private long _enqueued;
    private long _delivered;
    private readonly long[] _dropped = new long[3];
    private long _corrupt;
    private bool _disposed;

    /// <summary>Opens the outbox, keeping every intact message from a previous run.</summary>
    /// <param name="options">Directory and bounds.</param>
    /// <exception cref="InvalidSettingException">A setting is out of range.</exception>
    internal MqttOutbox(MqttOutboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            throw new InvalidSettingException("outbox.directory", "expected a directory for queued messages, got nothing.");
        }

        if (options.MaxMessages < 1)
        {
            throw new InvalidSettingException("outbox.maxMessages", $"expected 1 or more, got {options.MaxMessages}.");
        }

        if (options.MaxBytes < 64 * 1024)
        {
            throw new InvalidSettingException("outbox.maxBytes", $"expected 65536 (64 KiB) or more, got {options.MaxBytes}.");
        }

        Options = options;
        _directory = Path.GetFullPath(options.Directory);
        Directory.CreateDirectory(_directory);
        Load();
    }

    /// <summary>The options.</summary>
    public MqttOutboxOptions Options { get; }

    /// <summary>Messages waiting.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>A snapshot of the counters.</summary>
    public OutboxStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                return new OutboxStatistics
                {
                    Count = _entries.Count,
                    Bytes = _bytes,
                    Enqueued = _enqueued,
                    Delivered = _delivered,
                    DroppedTelemetry = _dropped[0],
                    DroppedEvents = _dropped[1],
                    DroppedCritical = _dropped[2],
                    Corrupt = _corrupt,
                };
            }
        }
    }

    /// <summary>Stores a message durably, making room by the drop rules if the outbox is full.</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="payload">The payload.</param>
    /// <param name="messageClass">How much the message matters when room runs out.</param>
    /// <param name="retain">Whether to publish it retained.</param>
    /// <returns>True if stored; false if it was itself dropped (counted).</returns>
    internal bool Enqueue(string topic, ReadOnlySpan<byte> payload, MessageClass messageClass, bool retain = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var topicBytes = Encoding.UTF8.GetBytes(topic);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(topicBytes.Length, ushort.MaxValue, nameof(topic));
        var record = new byte[HeaderBytes + topicBytes.Length + payload.Length];
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (record.Length > Options.MaxBytes || !MakeRoom(record.Length, messageClass))
            {
                _dropped[(int)messageClass]++;
                return false;
            }

            var id = _nextId++;
            Encode(record, topicBytes, payload, messageClass, retain);
            AtomicFile.WriteAllBytes(PathOf(id), record);
            Add(id, new Entry(messageClass, record.Length));
            _enqueued++;
            _available.TrySetResult();
            return true;
        }
    }

    /// <summary>The oldest message, without removing it; skips (and counts) damaged files.</summary>
    /// <param name="message">The message.</param>
    /// <returns>False if the outbox is empty.</returns>
    internal bool TryPeek(out OutboxMessage message)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            while (_entries.Count > 0)
            {
                var id = _entries.Keys.First();
                if (TryRead(PathOf(id), id, out message!))
                {
                    return true;
                }

                _corrupt++;
                Delete(id);
            }

            message = null!;
            return false;
        }
    }

    /// <summary>Removes a delivered message (after the broker's PUBACK).</summary>
    /// <param name="id">The <see cref="OutboxMessage.Id"/>.</param>
    internal void Remove(long id)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_entries.ContainsKey(id))
            {
                Delete(id);
                _delivered++;
            }
        }
    }

    /// <summary>Completes when at least one message is waiting.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    internal Task WaitForMessageAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_entries.Count > 0)
            {
                return Task.CompletedTask;
            }

            if (_available.Task.IsCompleted)
            {
                _available = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _available.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Closes the outbox; queued messages stay on disk for the next run.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _available.TrySetCanceled();
        }
    }

    private bool MakeRoom(int size, MessageClass incoming)
    {
        while (_entries.Count + 1 > Options.MaxMessages || _bytes + size > Options.MaxBytes)
        {
            var lowest = Array.FindIndex(_byClass, set => set.Count > 0);
            if (lowest < 0 || lowest > (int)incoming)
            {
                return false;
            }

            var victim = _byClass[lowest].Min;
            Delete(victim);
            _dropped[lowest]++;
        }

        return true;
    }

    private void Add(long id, Entry entry)
    {
        _entries.Add(id, entry);
        _byClass[(int)entry.Class].Add(id);
        _bytes += entry.Size;
    }

    private void Delete(long id)
    {
        if (_entries.Remove(id, out var entry))
        {
            _byClass[(int)entry.Class].Remove(id);
            _bytes -= entry.Size;
        }

        File.Delete(PathOf(id));
    }

    private void Load()
    {
        foreach (var file in Directory.EnumerateFiles(_directory))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal))
            {
                // A write the power cut interrupted: the message was never acknowledged to its producer.
                File.Delete(file);
                continue;
            }

            if (!name.EndsWith(Extension, StringComparison.Ordinal)
                || !long.TryParse(name[..^Extension.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            if (TryRead(file, id, out var message))
            {
                Add(id, new Entry(message.Class, (int)new FileInfo(file).Length));
                _nextId = Math.Max(_nextId, id + 1);
            }
            else
            {
                _corrupt++;
                File.Delete(file);
            }
        }
    }

    // Layout (little-endian): magic u32 | crc32c u32 over the rest | class u8 | flags u8 | topic length u16 | payload length u32 | topic | payload.
    private static void Encode(byte[] record, byte[] topic, ReadOnlySpan<byte> payload, MessageClass messageClass, bool retain)
    {
        var span = record.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        span[8] = (byte)messageClass;
        span[9] = retain ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], (ushort)topic.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)payload.Length);
        topic.CopyTo(span[HeaderBytes..]);
        payload.CopyTo(span[(HeaderBytes + topic.Length)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32C.Compute(span[8..]));
    }

    private static bool TryRead(string path, long id, out OutboxMessage message)
    {
        message = null!;
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return false;
        }

        var span = data.AsSpan();
        if (data.Length < HeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(span[4..]) != Crc32C.Compute(span[8..]) || span[8] > 2)
        {
            return false;
        }

        int topicLength = BinaryPrimitives.ReadUInt16LittleEndian(span[10..]);
        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(span[12..]);
        if ((long)HeaderBytes + topicLength + payloadLength != data.Length)
        {
            return false;
        }

        message = new OutboxMessage
        {
            Id = id,
            Class = (MessageClass)span[8],
            Retain = span[9] == 1,
            Topic = Encoding.UTF8.GetString(span.Slice(HeaderBytes, topicLength)),
            Payload = span[(HeaderBytes + topicLength)..].ToArray(),
        };
        return true;
    }

    private string PathOf(long id) => Path.Combine(_directory, id.ToString("D20", CultureInfo.InvariantCulture) + Extension);

    private readonly record struct Entry(MessageClass Class, int Size);
}
