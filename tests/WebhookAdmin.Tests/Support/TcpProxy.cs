using System.Net;
using System.Net.Sockets;

namespace WebhookAdmin.Tests.Support;

/// <summary>
/// A TCP proxy on 127.0.0.1 between the app and its database, for outages a test controls: <see cref="Pause"/> stops
/// forwarding bytes and connecting new clients (the server unreachable: packets go nowhere, nothing is refused), and
/// <see cref="Cut"/> closes every connection (as a server restart does).
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Client, TcpClient Server)> _connections = [];
    private readonly Task _accepting;
    private TaskCompletionSource _open = Open();

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A PostgreSQL connection string with its host and port replaced by the proxy's.</summary>
    public string Through(string connectionString) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    /// <summary>Nothing gets through (in either direction, nor new connections) until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        lock (_connections)
        {
            if (_open.Task.IsCompleted)
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Resume()
    {
        lock (_connections)
            _open.TrySetResult();
    }

    /// <summary>Closes every connection open now, both sides.</summary>
    public void Cut()
    {
        lock (_connections)
        {
            foreach (var (client, server) in _connections)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                server.Dispose();
            }
            _connections.Clear();
        }
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private Task Gate()
    {
        lock (_connections)
            return _open.Task;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = ConnectAsync(client);
        }
    }

    private async Task ConnectAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await Gate().WaitAsync(_stop.Token);
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            lock (_connections)
                _connections.Add((client, server));
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        }
        catch (Exception)
        {
            // A connection cut or the proxy stopping: both sides close below.
        }
        lock (_connections)
            _connections.Remove((client, server));
        client.Dispose();
        server.Dispose();
    }

    private async Task PumpAsync(TcpClient from, TcpClient to)
    {
        var buffer = new byte[16 * 1024];
        var source = from.GetStream();
        var target = to.GetStream();
        while (true)
        {
            var read = await source.ReadAsync(buffer, _stop.Token);
            if (read == 0)
                return;
            await Gate().WaitAsync(_stop.Token);
            await target.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Resume();
        Cut();
        await _accepting;
        _stop.Dispose();
    }
}
