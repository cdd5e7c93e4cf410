using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TwinLab.IntegrationTests;

/// <summary>A Jupyter Notebook server (Debian's jupyter-notebook) on a free local port, stopped on dispose.</summary>
internal sealed class JupyterServer : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly int _port;

    private JupyterServer(Process process, int port, string token)
    {
        _process = process;
        _port = port;
        Token = token;
    }

    private string Token { get; }

    /// <summary>Starts a server over <paramref name="folder"/> and waits until it answers.</summary>
    public static JupyterServer Start(string folder, IDictionary<string, string> environment)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var start = new ProcessStartInfo(JupyterTools.Jupyter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var token = Guid.NewGuid().ToString("N");
        foreach (var argument in new[] { "notebook", "--no-browser", "--allow-root", "--ip=127.0.0.1", $"--port={port}", "--port-retries=0", $"--NotebookApp.token={token}", $"--NotebookApp.notebook_dir={folder}" })
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start jupyter notebook.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new JupyterServer(process, port, token);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                server.Get("api");
                return server;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(250);
            }
        }
    }

    /// <summary>The URL of a path below the server's base URL, with the token.</summary>
    public string Url(string path) => $"http://127.0.0.1:{_port}/{path}?token={Token}";

    /// <summary>GETs a path below the base URL; fails unless the answer is 200.</summary>
    public byte[] Get(string path)
    {
        using var response = _http.GetAsync(Url(path)).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        return response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        try
        {
            // Shuts down the kernels the page started, then the server.
            using var content = new StringContent("");
            _http.PostAsync(Url("api/shutdown"), content).GetAwaiter().GetResult().Dispose();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (HttpRequestException)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.WaitForExit();
        _process.Dispose();
        _http.Dispose();
    }
}
