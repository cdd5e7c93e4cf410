using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TwinLab.Notebooks.Kernel;

/// <summary>
/// A message of the Jupyter messaging protocol (5.3): routing identities, then the delimiter <c>&lt;IDS|MSG&gt;</c>,
/// the signature, and the header, parent header, metadata and content as JSON, then optional binary buffers.
/// </summary>
public sealed class JupyterMessage
{
    /// <summary>The protocol version TwinLab speaks.</summary>
    public const string ProtocolVersion = "5.3";

    private static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    /// <summary>The routing identities (ROUTER sockets) or topic (IOPub).</summary>
    public IReadOnlyList<byte[]> Identities { get; init; } = [];

    /// <summary>The header: msg_id, session, username, date, msg_type, version.</summary>
    public JsonObject Header { get; init; } = [];

    /// <summary>The header of the message this one answers (empty when none).</summary>
    public JsonObject ParentHeader { get; init; } = [];

    /// <summary>Metadata.</summary>
    public JsonObject Metadata { get; init; } = [];

    /// <summary>The content.</summary>
    public JsonObject Content { get; init; } = [];

    /// <summary>Binary buffers after the content.</summary>
    public IReadOnlyList<byte[]> Buffers { get; init; } = [];

    /// <summary>The message type, e.g. <c>execute_request</c>.</summary>
    public string MessageType => Header["msg_type"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    /// <summary>A new header.</summary>
    /// <param name="messageType">The message type.</param>
    /// <param name="session">The sender's session id.</param>
    /// <returns>The header.</returns>
    public static JsonObject NewHeader(string messageType, string session) => new()
    {
        ["msg_id"] = Guid.NewGuid().ToString("N"),
        ["session"] = session,
        ["username"] = "twinlab",
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["msg_type"] = messageType,
        ["version"] = ProtocolVersion,
    };

    /// <summary>The frames to send, signed.</summary>
    /// <param name="signer">The signer.</param>
    /// <returns>The frames.</returns>
    public List<byte[]> ToFrames(MessageSigner signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var parts = new List<byte[]>
        {
            Encode(Header), Encode(ParentHeader), Encode(Metadata), Encode(Content),
        };
        var frames = new List<byte[]>(Identities) { Delimiter, Encoding.ASCII.GetBytes(signer.Sign(parts)) };
        frames.AddRange(parts);
        frames.AddRange(Buffers);
        return frames;
    }

    /// <summary>Reads received frames, checking the signature.</summary>
    /// <param name="frames">The frames.</param>
    /// <param name="signer">The signer.</param>
    /// <param name="problem">Why the message was rejected (when null is returned).</param>
    /// <returns>The message, or null when it is malformed or its signature is wrong.</returns>
    public static JupyterMessage? FromFrames(IReadOnlyList<byte[]> frames, MessageSigner signer, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(signer);
        var delimiter = -1;
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames[i].AsSpan().SequenceEqual(Delimiter))
            {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0 || frames.Count < delimiter + 6)
        {
            problem = "malformed message (no <IDS|MSG> delimiter or too few frames)";
            return null;
        }
        var signature = Encoding.ASCII.GetString(frames[delimiter + 1]);
        var parts = frames.Skip(delimiter + 2).Take(4).ToList();
        if (!signer.Verify(signature, parts))
        {
            problem = "invalid signature";
            return null;
        }
        try
        {
            var message = new JupyterMessage
            {
                Identities = [.. frames.Take(delimiter)],
                Header = Decode(parts[0]),
                ParentHeader = Decode(parts[1]),
                Metadata = Decode(parts[2]),
                Content = Decode(parts[3]),
                Buffers = [.. frames.Skip(delimiter + 6)],
            };
            problem = null;
            return message;
        }
        catch (JsonException e)
        {
            problem = $"malformed JSON ({e.Message})";
            return null;
        }
    }

    private static byte[] Encode(JsonObject json) => Encoding.UTF8.GetBytes(json.ToJsonString());

    private static JsonObject Decode(byte[] bytes) => bytes.Length == 0
        ? []
        : JsonNode.Parse(bytes) as JsonObject ?? throw new JsonException("expected a JSON object");
}
