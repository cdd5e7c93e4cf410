using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;
using TwinLab.Cli.Commands;

namespace TwinLab.Cli;

/// <summary>
/// The <c>twinlab</c> command line: builds the command tree, runs it against the given writers and maps every outcome
/// to an exit code (<see cref="ExitCodes"/>). User mistakes never produce a stack trace.
/// </summary>
internal static class TwinLabCli
{
    /// <summary>The name of the program as users type it.</summary>
    public const string ProgramName = "twinlab";

    /// <summary>
    /// The environment variable that, when set to <c>1</c>, makes unexpected failures print their full stack trace.
    /// </summary>
    public const string DebugVariable = "TWINLAB_DEBUG";

    /// <summary>
    /// TwinLab's version: the informational version of this assembly without build metadata (the part after '+').
    /// </summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>Creates every sub-command, each writing its results to <paramref name="output"/>.</summary>
    /// <param name="output">Where the commands write their results.</param>
    /// <returns>The sub-commands in the order they appear in help. Add a new command here.</returns>
    /// <param name="error">Where the commands write warnings.</param>
    public static IReadOnlyList<CliCommand> CreateCommands(TextWriter output, TextWriter error) =>
    [
        new ModelsCommand(output),
        new SimulateCommand(output),
        new CohortCommand(output),
        new SbiCommand(output),
        new BenchCommand(output),
        new RunCommand(output, error),
        new VerifyCommand(output),
        new KernelCommand(output, error),
        new ExportCommand(output),
        new ValidateCommand(output),
        new ReleaseCommand(output),
        new TrialCommand(output),
    ];

    /// <summary>Creates the root command with the given sub-commands and the standard help and version options.</summary>
    /// <param name="commands">The sub-commands.</param>
    /// <returns>The root command.</returns>
    /// <remarks>
    /// The root is a plain <see cref="Command"/> named <see cref="ProgramName"/> rather than a
    /// <see cref="RootCommand"/>, whose name and version come from the entry assembly: in-process (tests, a notebook
    /// kernel) that is the host, not TwinLab.
    /// </remarks>
    public static Command CreateRootCommand(IEnumerable<CliCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var root = new Command(ProgramName, "TwinLab: hybrid mechanistic-AI medical digital twins.")
        {
            new HelpOption(),
            new VersionOption { Action = new PrintVersionAction() },
        };
        foreach (var command in commands)
        {
            root.Subcommands.Add(command.Build());
        }

        return root;
    }

    /// <summary>Parses and runs a command line with the standard sub-commands.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="output">Standard output: results, help and version.</param>
    /// <param name="error">Standard error: diagnostics.</param>
    /// <returns>The process exit code (<see cref="ExitCodes"/>).</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error) =>
        Run(args, output, error, CreateCommands(output, error));

    /// <summary>Parses and runs a command line with the given sub-commands.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="output">Standard output: results, help and version.</param>
    /// <param name="error">Standard error: diagnostics.</param>
    /// <param name="commands">The sub-commands, normally <see cref="CreateCommands"/> of <paramref name="output"/> and <paramref name="error"/>.</param>
    /// <returns>The process exit code (<see cref="ExitCodes"/>).</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, IReadOnlyList<CliCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(commands);

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            var root = CreateRootCommand(commands);
            var parseResult = root.Parse(args);
            if (parseResult.Errors.Count > 0 && parseResult.Action is ParseErrorAction)
            {
                ParseErrorReport.Write(parseResult, error, (path, writer) => WriteHelp(root, path, writer));
                return ExitCodes.Usage;
            }

            return parseResult.Invoke(configuration);
        }
        catch (UsageException exception)
        {
            error.WriteLine($"{ProgramName}: {exception.Message}");
            return ExitCodes.Usage;
        }
        catch (SolverFailedException exception)
        {
            error.WriteLine($"{ProgramName}: the solver failed: {exception.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine($"{ProgramName}: cancelled.");
            return ExitCodes.Failure;
        }
#pragma warning disable CA1031 // The command line is the outermost boundary: every failure becomes a message and an exit code.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            error.WriteLine($"{ProgramName}: error: {exception.Message}");
            if (Environment.GetEnvironmentVariable(DebugVariable) == "1")
            {
                error.WriteLine(exception);
            }
            else
            {
                error.WriteLine($"(Set {DebugVariable}=1 to see the stack trace.)");
            }

            return ExitCodes.Failure;
        }
    }

    /// <summary>Writes the help of one of <paramref name="root"/>'s commands to a writer.</summary>
    private static void WriteHelp(Command root, IReadOnlyList<string> commandPath, TextWriter writer) =>
        root.Parse([.. commandPath, "--help"]).Invoke(new InvocationConfiguration { Output = writer, Error = writer });

    private static string ReadVersion()
    {
        var assembly = typeof(TwinLabCli).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }

        var metadata = informational.IndexOf('+', StringComparison.Ordinal);
        return metadata < 0 ? informational : informational[..metadata];
    }

    /// <summary>Prints <see cref="Version"/> to the configured output.</summary>
    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        /// <inheritdoc />
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitCodes.Success;
        }
    }
}
