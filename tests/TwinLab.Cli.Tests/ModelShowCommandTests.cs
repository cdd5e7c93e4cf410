using TwinLab.Cli.Commands;
using TwinLab.Core.Library;

namespace TwinLab.Cli.Tests;

public sealed class ModelShowCommandTests
{
    public static TheoryData<string> ModelNames => new(ModelLibrary.All.Select(m => m.Name));

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Describe_prints_the_model_with_its_equations(string name)
    {
        var model = ModelLibrary.Get(name);

        var run = CliRun.Of("models", "show", name);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Equal(model.ToText(), run.Output);
        Assert.Contains($"d{model.States[0].Name}/dt = {model.Rates[0]}", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_writes_latex_and_a_loadable_model_file()
    {
        var model = ModelLibrary.Get("gompertz");

        var latex = CliRun.Of("models", "show", "gompertz", "--format", "latex");
        var json = CliRun.Of("models", "show", "gompertz", "--format", "json");

        Assert.Equal(model.ToLatex(), latex.Output.TrimEnd());
        Assert.Equal(model.Digest, TwinLab.Core.Modelling.ModelJson.Deserialize(json.Output).Digest);
    }

    [Fact]
    public void Describe_of_an_unknown_model_is_a_usage_error_that_lists_the_available_models()
    {
        var run = CliRun.Of("models", "show", "no-such-model");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.StartsWith("twinlab: ", run.Error, StringComparison.Ordinal);
        Assert.Contains("'no-such-model'", run.Error, StringComparison.Ordinal);
        Assert.Contains("Available models: " + string.Join(", ", ModelLibrary.All.Select(m => m.Name)) + ".", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", run.Error, StringComparison.Ordinal);
        Assert.Single(run.ErrorLines);
    }

    [Fact]
    public void Execute_of_an_unknown_model_throws_a_usage_exception()
    {
        using var output = new StringWriter();

        var exception = Assert.Throws<UsageException>(() => new ModelShowCommand(output).Execute("no-such-model"));

        Assert.IsType<KeyNotFoundException>(exception.InnerException);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void Describe_without_a_model_is_a_usage_error()
    {
        var run = CliRun.Of("models", "show");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("twinlab models show --help", run.Error, StringComparison.Ordinal);
    }
}
