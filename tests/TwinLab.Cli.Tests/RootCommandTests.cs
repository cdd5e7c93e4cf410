using System.CommandLine;
using System.Reflection;
using TwinLab.Cli.Commands;

namespace TwinLab.Cli.Tests;

public sealed class RootCommandTests
{
    [Fact]
    public void Version_prints_the_assembly_version()
    {
        var assemblyVersion = typeof(TwinLabCli).Assembly.GetName().Version!;

        var run = CliRun.Of("--version");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Equal([assemblyVersion.ToString(3)], run.OutputLines);
        Assert.Equal(TwinLabCli.Version, run.OutputLines[0]);
    }

    [Fact]
    public void Version_drops_build_metadata_from_the_informational_version()
    {
        var informational = typeof(TwinLabCli).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        Assert.StartsWith(TwinLabCli.Version, informational, StringComparison.Ordinal);
        Assert.DoesNotContain('+', TwinLabCli.Version);
    }

    [Fact]
    public void Help_lists_every_command_on_standard_output()
    {
        var run = CliRun.Of("--help");

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("", run.Error);
        foreach (var command in TwinLabCli.CreateCommands(TextWriter.Null, TextWriter.Null))
        {
            Assert.Contains(command.Build().Name, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_command_has_a_unique_name_a_description_and_help()
    {
        var commands = TwinLabCli.CreateCommands(TextWriter.Null, TextWriter.Null).Select(c => c.Build()).ToList();

        Assert.Equal(commands.Count, commands.Select(c => c.Name).Distinct().Count());
        foreach (var command in commands)
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), command.Name);
            var run = CliRun.Of(command.Name, "--help");
            Assert.Equal(ExitCodes.Success, run.ExitCode);
            Assert.Contains("twinlab " + command.Name, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_command_is_a_usage_error_that_shows_help_on_standard_error()
    {
        var run = CliRun.Of();

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("Usage:", run.Error, StringComparison.Ordinal);
        Assert.Contains("models", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_command_is_a_usage_error_with_a_suggestion()
    {
        var run = CliRun.Of("modls");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Contains("'modls'", run.Error, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'models'?", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_usage_exception_from_a_command_exits_with_the_usage_code_and_no_stack_trace()
    {
        var run = CliRun.Of(output => new ThrowingCommand(output, new UsageException("bad input.")), "throw");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal(["twinlab: bad input."], run.ErrorLines);
    }

    [Fact]
    public void An_unexpected_exception_exits_with_the_failure_code_and_no_stack_trace()
    {
        var run = CliRun.Of(output => new ThrowingCommand(output, new InvalidOperationException("it broke.")), "throw");

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("twinlab: error: it broke.", run.ErrorLines[0]);
        Assert.DoesNotContain(nameof(ThrowingCommand), run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("models", "models", 0)]
    [InlineData("modls", "models", 1)]
    [InlineData("--name", "--names", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    public void Edit_distance_counts_insertions_deletions_and_substitutions(string a, string b, int expected)
    {
        Assert.Equal(expected, ParseErrorReport.EditDistance(a, b));
        Assert.Equal(expected, ParseErrorReport.EditDistance(b, a));
    }

    private sealed class ThrowingCommand(TextWriter output, Exception exception) : CliCommand(output)
    {
        public override Command Build()
        {
            var command = new Command("throw", "Throws.");
            command.SetAction(int (_) => throw exception);
            return command;
        }
    }
}
