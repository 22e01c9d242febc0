using System.Net;
using System.Net.Sockets;

namespace EdgeTransfer.Testing;

/// <summary>
/// A loopback TCP relay in front of a broker. <see cref="DropAll"/> and <see cref="CutAll"/> reset every relayed
/// connection with an RST and no MQTT DISCONNECT, which the broker sees as a device that vanished (power loss,
/// kill -9, a pulled cable): it publishes the last will (MQTT 5 §3.1.2.5).
/// </summary>
public sealed class TcpRelay : IDisposable, IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly List<Socket> _sockets = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private bool _refusing;
    private bool _disposed;

    /// <summary>Starts relaying a free loopback port (<see cref="Port"/>) to <paramref name="targetPort"/> on loopback.</summary>
    public TcpRelay(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = Task.Run(AcceptAsync);
    }

    /// <summary>The port clients connect to.</summary>
    public int Port { get; }

    /// <summary>Resets every relayed connection; new ones are relayed again, so a client can reconnect.</summary>
    public void DropAll() => Reset(refuse: false);

    /// <summary>Resets every relayed connection and refuses new ones, so the client stays away.</summary>
    public void CutAll() => Reset(refuse: true);

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _accept;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private void Reset(bool refuse)
    {
        lock (_sockets)
        {
            _refusing |= refuse;
            foreach (var socket in _sockets)
            {
                socket.LingerState = new LingerOption(true, 0); // RST, not FIN
                socket.Close();
            }

            _sockets.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            lock (_sockets)
            {
                if (_refusing)
                {
                    client.Close();
                    upstream.Dispose();
                    continue;
                }

                _sockets.Add(client);
                _sockets.Add(upstream);
            }

            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            }
            catch (SocketException)
            {
                client.Close();
                continue;
            }

            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }

        try
        {
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
