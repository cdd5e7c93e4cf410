using TwinLab.Cli;
using TwinLab.Cli.Commands;

namespace TwinLab.Cli.Tests;

/// <summary>The captured outcome of one in-process run of the command line.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Lines(Output);

    public string[] ErrorLines => Lines(Error);

    public static CliRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = TwinLabCli.Run(args, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public static CliRun Of(Func<TextWriter, CliCommand> command, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = TwinLabCli.Run(args, output, error, [command(output)]);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public static string[] Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToArray();
}
