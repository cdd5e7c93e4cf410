using System.Security.Cryptography;
using System.Text;

namespace TwinLab.Notebooks.Kernel;

/// <summary>
/// Signs and verifies Jupyter messages: HMAC-SHA256 over the header, parent header, metadata and content frames, as
/// lowercase hexadecimal. With an empty key, messages are unsigned and every signature is accepted.
/// </summary>
public sealed class MessageSigner
{
    private readonly byte[] _key;

    /// <summary>Creates a signer.</summary>
    /// <param name="key">The key from the connection file (empty: no signing).</param>
    public MessageSigner(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>Whether messages are signed.</summary>
    public bool Enabled => _key.Length > 0;

    /// <summary>The signature of the four frames (empty when signing is off).</summary>
    /// <param name="frames">Header, parent header, metadata and content.</param>
    /// <returns>Lowercase hex.</returns>
    public string Sign(IReadOnlyList<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (!Enabled)
        {
            return "";
        }
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        foreach (var frame in frames)
        {
            hmac.AppendData(frame);
        }
        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>Whether a signature is right for the frames (compared in constant time).</summary>
    /// <param name="signature">The signature as received.</param>
    /// <param name="frames">Header, parent header, metadata and content.</param>
    /// <returns>True when valid (always when signing is off).</returns>
    public bool Verify(string signature, IReadOnlyList<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (!Enabled)
        {
            return true;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(frames));
        var actual = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
