using System.Net;
using System.Net.Sockets;

namespace EdgeAccess.SystemTests.Infrastructure;

/// <summary>
/// A TCP forwarder between edge nodes and the hub: <see cref="Cut"/> drops every connection and
/// refuses new ones (the building lost its uplink), <see cref="Restore"/> lets them through again,
/// <see cref="Target"/> can point at a restarted hub. Real sockets, no HTTP awareness.
/// </summary>
public sealed class LinkProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Lock _lock = new();
    private readonly Task _accepting;
    private volatile bool _cut;

    public LinkProxy(int targetPort)
    {
        Target = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The port edges dial.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The hub's port connections are forwarded to.</summary>
    public int Target { get; set; }

    /// <summary>How many connections were accepted and forwarded.</summary>
    public int Connections { get; private set; }

    /// <summary>Drops all connections and refuses new ones.</summary>
    public void Cut()
    {
        _cut = true;
        CloseAll();
    }

    /// <summary>Accepts connections again.</summary>
    public void Restore() => _cut = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CloseAll();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private void CloseAll()
    {
        lock (_lock)
        {
            foreach (var client in _open)
            {
                client.Client.LingerState = new LingerOption(true, 0); // RST, as a dead link looks to the peer
                client.Dispose();
            }

            _open.Clear();
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            if (_cut)
            {
                inbound.Client.LingerState = new LingerOption(true, 0);
                inbound.Dispose();
                continue;
            }

            _ = ForwardAsync(inbound);
        }
    }

    private async Task ForwardAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, Target, _stop.Token);
        }
        catch (SocketException)
        {
            inbound.Dispose();
            outbound.Dispose();
            return;
        }

        lock (_lock)
        {
            _open.Add(inbound);
            _open.Add(outbound);
            Connections++;
        }

        var a = inbound.GetStream();
        var b = outbound.GetStream();
        try
        {
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(inbound);
                _open.Remove(outbound);
            }

            inbound.Dispose();
            outbound.Dispose();
        }
    }
}
