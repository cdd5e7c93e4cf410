using TwinLab.Notebooks.Running;

namespace TwinLab.Notebooks.Tests.Running;

public sealed class NotebookParametersTests
{
    [Fact]
    public void Parses_declarations_and_assignments_with_literal_values()
    {
        var parameters = NotebookParameters.Parse("var seed = 42;\ndouble rate = -0.5;\nstring name = \"x\", other = \"y\";\nvar flag = true;\nvar computed = Math.Sqrt(2);\nseed = 7;");
        Assert.Equal(["seed", "rate", "name", "other", "flag", "computed", "seed"], parameters.Select(p => p.Name));
        Assert.Equal("double", parameters[1].Type);
        Assert.Equal(-0.5, parameters[1].Value!.GetValue<double>());
        Assert.Equal("x", parameters[2].Value!.GetValue<string>());
        Assert.True(parameters[4].Value!.GetValue<bool>());
        Assert.Equal("Math.Sqrt(2)", parameters[5].Value!.GetValue<string>());
        Assert.Equal(7, parameters[6].Value!.GetValue<int>());
    }

    [Theory]
    [InlineData("42", "42")]
    [InlineData("-3", "-3")]
    [InlineData("2.5", "2.5")]
    [InlineData("1e-3", "0.001")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    [InlineData("hello", "\"hello\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("NaN", "\"NaN\"")]
    public void Command_line_values_become_csharp_literals(string value, string literal) =>
        Assert.Equal(literal, NotebookParameters.Literal(value));

    [Fact]
    public void Names_must_be_identifiers()
    {
        Assert.Throws<ArgumentException>(() => NotebookParameters.InjectedSource([new("not valid", "1")], [], out _));
        Assert.Throws<ArgumentException>(() => NotebookParameters.InjectedSource([new("class", "1")], [], out _));
    }
}
