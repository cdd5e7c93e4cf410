using TwinLab.Cli.Commands;
using TwinLab.Core.Library;

namespace TwinLab.Cli.Tests;

public sealed class ModelsCommandTests
{
    private static readonly string[] ModelNames = ModelLibrary.All.Select(m => m.Name).ToArray();

    [Fact]
    public void Models_prints_a_header_then_one_line_per_model_in_library_order()
    {
        var run = CliRun.Of("models");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("", run.Error);
        var lines = run.OutputLines;
        Assert.Equal(ModelNames.Length + 1, lines.Length);
        Assert.Equal(["NAME", "VERSION", "DESCRIPTION"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(ModelNames, lines.Skip(1).Select(line => line.Split(' ')[0]));
    }

    [Fact]
    public void Models_aligns_version_and_description_under_their_headings()
    {
        var lines = CliRun.Of("models").OutputLines;
        var versionColumn = lines[0].IndexOf("VERSION", StringComparison.Ordinal);
        var descriptionColumn = lines[0].IndexOf("DESCRIPTION", StringComparison.Ordinal);

        for (var i = 0; i < ModelLibrary.All.Count; i++)
        {
            var model = ModelLibrary.All[i];
            var line = lines[i + 1];
            Assert.Equal(model.Version, line[versionColumn..].Split(' ')[0]);
            Assert.Equal(ModelsCommand.Summary(model.Description), line[descriptionColumn..]);
            Assert.Equal(line.TrimEnd(), line);
        }
    }

    [Fact]
    public void Models_names_prints_only_the_names_one_per_line()
    {
        var run = CliRun.Of("models", "--names");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Equal(ModelNames, run.OutputLines);
        Assert.Equal(string.Concat(ModelNames.Select(name => name + Environment.NewLine)), run.Output);
    }

    [Fact]
    public void Execute_writes_to_the_writer_it_was_given()
    {
        using var output = new StringWriter();

        var exitCode = new ModelsCommand(output).Execute(namesOnly: true);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(ModelNames, CliRun.Lines(output.ToString()));
    }

    [Fact]
    public void Models_with_a_misspelt_option_is_a_usage_error_with_a_suggestion()
    {
        var run = CliRun.Of("models", "--name");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("'--name'", run.Error, StringComparison.Ordinal);
        Assert.Contains("Did you mean '--names'?", run.Error, StringComparison.Ordinal);
        Assert.Contains("twinlab models --help", run.Error, StringComparison.Ordinal);
    }
}
