using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Running;

namespace TwinLab.Notebooks.Tests.Running;

public sealed class HtmlExporterTests
{
    [Fact]
    public void Exports_a_self_contained_page_with_markdown_code_and_outputs()
    {
        var notebook = NotebookBuilder.Of("Console.WriteLine(\"<out>\");\ndisplay(new[] { 1, 2 });");
        notebook.Cells.Insert(0, new NotebookCell(CellKind.Markdown, "# Title\n\nSome **bold** and `code`.\n\n- one\n- two", "m"));
        var html = HtmlExporter.ToHtml(NotebookRunner.Run(notebook).Notebook, "t");
        Assert.Contains("<h1>Title</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>bold</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<code>code</code>", html, StringComparison.Ordinal);
        Assert.Contains("<li>one</li>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;out&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<table class=\"twinlab-table\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.Ordinal);
    }
}
