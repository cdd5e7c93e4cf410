using TwinLab.Core.Library;
using TwinLab.Interactive;
using TwinLab.Simulation;

namespace TwinLab.Notebooks.Tests.Interactive;

public sealed class FormatterRegistryTests
{
    private sealed record Patient(string Id, int Age);

    private class Animal
    {
        public override string ToString() => "animal";
    }

    private sealed class Dog : Animal
    {
    }

    [Fact]
    public void Every_value_has_plain_text()
    {
        var registry = new FormatterRegistry();
        Assert.Equal("null", registry.FormatPlainText(null));
        Assert.Equal("0.1", registry.FormatPlainText(0.1));
        Assert.Equal("text", registry.FormatPlainText("text"));
        Assert.Equal("[ 1, 2, 3 ]", registry.FormatPlainText(new List<int> { 1, 2, 3 }));
        Assert.Equal("{ a: 1 }", registry.FormatPlainText(new Dictionary<string, int> { ["a"] = 1 }));
        Assert.Equal("Patient { Id = p1, Age = 40 }", registry.FormatPlainText(new Patient("p1", 40)));
        Assert.Equal(MimeTypes.PlainText, Assert.Single(registry.Format(1).Keys));
    }

    [Fact]
    public void Collections_get_an_html_table_with_a_column_per_property()
    {
        var html = new FormatterRegistry().Format(new[] { new Patient("p1", 40), new Patient("p2", 51) })[MimeTypes.Html];
        Assert.Contains("<th>Id <small>string</small></th><th>Age <small>int</small></th>", html, StringComparison.Ordinal);
        Assert.Contains("<td>p2</td><td>51</td>", html, StringComparison.Ordinal);
        Assert.Contains("Patient[] (2 items)", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_collections_are_cut_and_counted()
    {
        var registry = new FormatterRegistry { MaximumItems = 3 };
        Assert.Equal("[ 0, 1, 2, ... (7 more) ]", registry.FormatPlainText(Enumerable.Range(0, 10).ToArray()));
        Assert.Contains("7 more", registry.Format(Enumerable.Range(0, 10).ToArray())[MimeTypes.Html], StringComparison.Ordinal);
    }

    [Fact]
    public void The_most_specific_and_latest_registration_wins_and_reset_removes_it()
    {
        var registry = new FormatterRegistry();
        registry.Register<Animal>(MimeTypes.Html, _ => "<i>animal</i>");
        registry.Register<Dog>(MimeTypes.Html, _ => "<b>dog</b>");
        Assert.Equal("<b>dog</b>", registry.Format(new Dog())[MimeTypes.Html]);
        Assert.Equal("<i>animal</i>", registry.Format(new Animal())[MimeTypes.Html]);
        registry.Register<Dog>(MimeTypes.Html, _ => "<b>newer dog</b>");
        Assert.Equal("<b>newer dog</b>", registry.Format(new Dog())[MimeTypes.Html]);
        registry.Register<Dog>(MimeTypes.Html, _ => null);
        Assert.Equal("<b>newer dog</b>", registry.Format(new Dog())[MimeTypes.Html]);
        registry.Reset();
        Assert.False(registry.Format(new Dog()).ContainsKey(MimeTypes.Html));
        Assert.Throws<ArgumentException>(() => registry.Register<Dog>("html", _ => ""));
    }

    [Fact]
    public void Models_have_latex_equations_and_an_html_parameter_table()
    {
        var bundle = new FormatterRegistry().Format(ModelLibrary.Get("gompertz"));
        Assert.StartsWith("$$\\begin{aligned}", bundle[MimeTypes.Latex], StringComparison.Ordinal);
        Assert.EndsWith("\\end{aligned}$$", bundle[MimeTypes.Latex], StringComparison.Ordinal);
        Assert.Contains("<caption>Parameters</caption>", bundle[MimeTypes.Html], StringComparison.Ordinal);
        Assert.Contains("Equations:", bundle.PlainText, StringComparison.Ordinal);
    }

    [Fact]
    public void Solutions_have_an_html_summary()
    {
        var solution = new OdeProblem(ModelLibrary.Get("gompertz"), (0, 10)).Solve(new Tsit5());
        var html = new FormatterRegistry().Format(solution)[MimeTypes.Html];
        Assert.Contains("<th>status</th><td>Success</td>", html, StringComparison.Ordinal);
        Assert.Contains("<th>t = 10</th>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Rich_content_wrappers_produce_their_mime_types()
    {
        var registry = new FormatterRegistry();
        Assert.Equal("<b>x</b>", registry.Format(new Html("<b>x</b>"))[MimeTypes.Html]);
        Assert.Equal("**x**", registry.Format(new Markdown("**x**"))[MimeTypes.Markdown]);
        Assert.Equal("$$x^2$$", registry.Format(new Latex("x^2"))[MimeTypes.Latex]);
        Assert.Equal("x^2", registry.Format(new Latex("x^2")).PlainText);
    }

    [Fact]
    public void Type_names_read_like_csharp()
    {
        Assert.Equal("Dictionary<string, List<double[]>>", TypeNames.Of(typeof(Dictionary<string, List<double[]>>)));
        Assert.Equal("(int, string)", TypeNames.Of(typeof((int, string))));
        Assert.Equal("int?", TypeNames.Of(typeof(int?)));
    }
}
