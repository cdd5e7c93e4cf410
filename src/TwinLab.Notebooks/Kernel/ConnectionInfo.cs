using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TwinLab.Notebooks.Kernel;

/// <summary>
/// A Jupyter connection file: where the kernel's five sockets listen and the key that signs messages. The kernel binds
/// only to the file's address (<see cref="Ip"/>).
/// </summary>
public sealed record ConnectionInfo
{
    /// <summary>The transport: <c>tcp</c> or <c>ipc</c>.</summary>
    public required string Transport { get; init; }

    /// <summary>The address to bind (for tcp an IP address, for ipc a path prefix).</summary>
    public required string Ip { get; init; }

    /// <summary>The shell socket's port.</summary>
    public required int ShellPort { get; init; }

    /// <summary>The IOPub socket's port.</summary>
    public required int IOPubPort { get; init; }

    /// <summary>The stdin socket's port.</summary>
    public required int StdinPort { get; init; }

    /// <summary>The control socket's port.</summary>
    public required int ControlPort { get; init; }

    /// <summary>The heartbeat socket's port.</summary>
    public required int HeartbeatPort { get; init; }

    /// <summary>The HMAC key (empty: messages are not signed).</summary>
    public required string Key { get; init; }

    /// <summary>The signature scheme; TwinLab supports <c>hmac-sha256</c>.</summary>
    public string SignatureScheme { get; init; } = "hmac-sha256";

    /// <summary>The endpoint of a port, e.g. <c>tcp://127.0.0.1:5555</c> or <c>ipc://kernel-5555</c>.</summary>
    /// <param name="port">The port.</param>
    /// <returns>The endpoint.</returns>
    public string Endpoint(int port) => Transport == "ipc"
        ? $"ipc://{Ip}-{port.ToString(CultureInfo.InvariantCulture)}"
        : $"tcp://{(Ip.Contains(':', StringComparison.Ordinal) ? $"[{Ip}]" : Ip)}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Reads a connection file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="FormatException">The file is not a valid connection file; the message says what is wrong.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ConnectionInfo Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses a connection file's JSON.</summary>
    /// <param name="json">The text.</param>
    /// <param name="sourceName">The file name for messages.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="FormatException">The JSON is not a valid connection file.</exception>
    public static ConnectionInfo Parse(string json, string sourceName = "connection file")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException($"{sourceName}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{sourceName}: not valid JSON ({e.Message}).", e);
        }
        string Text(string name, string? fallback = null) =>
            root[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
            : fallback ?? throw new FormatException($"{sourceName}: missing '{name}' (a string).");
        int Port(string name) =>
            root[name] is JsonValue v && v.TryGetValue<int>(out var port) && port is > 0 and < 65536 ? port
            : throw new FormatException($"{sourceName}: '{name}' must be a port number between 1 and 65535.");
        var info = new ConnectionInfo
        {
            Transport = Text("transport", "tcp"),
            Ip = Text("ip", "127.0.0.1"),
            ShellPort = Port("shell_port"),
            IOPubPort = Port("iopub_port"),
            StdinPort = Port("stdin_port"),
            ControlPort = Port("control_port"),
            HeartbeatPort = Port("hb_port"),
            Key = Text("key", ""),
            SignatureScheme = Text("signature_scheme", "hmac-sha256"),
        };
        if (info.Transport is not ("tcp" or "ipc"))
        {
            throw new FormatException($"{sourceName}: transport '{info.Transport}' is not supported (tcp or ipc).");
        }
        if (info.Key.Length > 0 && info.SignatureScheme != "hmac-sha256")
        {
            throw new FormatException($"{sourceName}: signature scheme '{info.SignatureScheme}' is not supported (hmac-sha256).");
        }
        return info;
    }
}
