namespace TwinLab.Interactive;

/// <summary>The MIME types TwinLab's formatters produce, as Jupyter front ends know them.</summary>
public static class MimeTypes
{
    /// <summary>Plain text; every value has it.</summary>
    public const string PlainText = "text/plain";

    /// <summary>An HTML fragment.</summary>
    public const string Html = "text/html";

    /// <summary>Markdown (front ends render <c>$...$</c> and <c>$$...$$</c> as mathematics).</summary>
    public const string Markdown = "text/markdown";

    /// <summary>LaTeX mathematics, written between <c>$$</c> delimiters.</summary>
    public const string Latex = "text/latex";

    /// <summary>A JSON document.</summary>
    public const string Json = "application/json";

    /// <summary>A PNG image, base64-encoded.</summary>
    public const string Png = "image/png";

    /// <summary>An SVG image.</summary>
    public const string Svg = "image/svg+xml";

    /// <summary>A plotly.js figure (<c>{"data": [...], "layout": {...}}</c>) as JSON.</summary>
    public const string Plotly = "application/vnd.plotly.v1+json";

    /// <summary>Whether a MIME type carries JSON (<c>application/json</c> or any <c>+json</c> type), which notebooks store
    /// as a JSON value rather than as text.</summary>
    /// <param name="mimeType">The MIME type.</param>
    /// <returns>True for JSON types.</returns>
    public static bool IsJson(string mimeType)
    {
        ArgumentNullException.ThrowIfNull(mimeType);
        return mimeType == Json || mimeType.EndsWith("+json", StringComparison.Ordinal);
    }
}
