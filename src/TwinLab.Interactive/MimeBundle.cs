using System.Collections;

namespace TwinLab.Interactive;

/// <summary>
/// The representations of one value, keyed by MIME type (a Jupyter <c>data</c> bundle). Values are text: markup for
/// text types, base64 for images and JSON text for JSON types. A bundle always has <see cref="MimeTypes.PlainText"/>.
/// Keys are kept in ordinal order so that written notebooks are deterministic.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "'MIME bundle' is the Jupyter term.")]
public sealed class MimeBundle : IReadOnlyDictionary<string, string>
{
    private readonly SortedDictionary<string, string> _data;

    /// <summary>Creates a bundle.</summary>
    /// <param name="data">The representations; must include <c>text/plain</c>.</param>
    /// <exception cref="ArgumentException"><c>text/plain</c> is missing, or a key or value is null or empty.</exception>
    public MimeBundle(IEnumerable<KeyValuePair<string, string>> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in data)
        {
            if (string.IsNullOrEmpty(key) || value is null)
            {
                throw new ArgumentException("A MIME bundle needs a non-empty type and a value for every entry.", nameof(data));
            }
            _data[key] = value;
        }
        if (!_data.ContainsKey(MimeTypes.PlainText))
        {
            throw new ArgumentException("A MIME bundle must include text/plain.", nameof(data));
        }
    }

    /// <summary>Creates a bundle with only a plain-text representation.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The bundle.</returns>
    public static MimeBundle FromText(string text) => new([KeyValuePair.Create(MimeTypes.PlainText, text ?? "")]);

    /// <summary>The plain-text representation.</summary>
    public string PlainText => _data[MimeTypes.PlainText];

    /// <inheritdoc />
    public string this[string key] => _data[key];

    /// <inheritdoc />
    public IEnumerable<string> Keys => _data.Keys;

    /// <inheritdoc />
    public IEnumerable<string> Values => _data.Values;

    /// <inheritdoc />
    public int Count => _data.Count;

    /// <inheritdoc />
    public bool ContainsKey(string key) => _data.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out string value) => _data.TryGetValue(key, out value!);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _data.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => PlainText;
}
