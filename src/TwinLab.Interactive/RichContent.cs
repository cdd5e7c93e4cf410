namespace TwinLab.Interactive;

/// <summary>Markup that should be shown as HTML: <c>display(new Html("&lt;b&gt;bold&lt;/b&gt;"))</c>.</summary>
/// <param name="Content">The HTML fragment.</param>
public sealed record Html(string Content)
{
    /// <inheritdoc />
    public override string ToString() => Content;
}

/// <summary>Text that should be shown as Markdown: <c>display(new Markdown("**bold**"))</c>.</summary>
/// <param name="Content">The Markdown text.</param>
public sealed record Markdown(string Content)
{
    /// <inheritdoc />
    public override string ToString() => Content;
}

/// <summary>Mathematics that should be typeset: <c>display(new Latex(@"e^{i\pi} + 1 = 0"))</c>. The content is written
/// between <c>$$</c> delimiters unless it already has them.</summary>
/// <param name="Content">The LaTeX source.</param>
public sealed record Latex(string Content)
{
    /// <summary>The content between <c>$$</c> delimiters.</summary>
    public string Delimited => Content.TrimStart().StartsWith('$') ? Content : $"$${Content}$$";

    /// <inheritdoc />
    public override string ToString() => Content;
}
