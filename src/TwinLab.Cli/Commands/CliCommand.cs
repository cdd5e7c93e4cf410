using System.CommandLine;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;

namespace TwinLab.Cli.Commands;

/// <summary>
/// One <c>twinlab</c> sub-command. A sub-command declares its arguments and options in <see cref="Build"/>, does its
/// work in a strongly typed method that tests can call directly, and writes its results to <see cref="Output"/>.
/// Mistakes the user can fix are reported by throwing <see cref="UsageException"/>; other exceptions are failures.
/// Neither is caught here: <see cref="TwinLabCli"/> turns them into a message on standard error and an exit code.
/// </summary>
/// <param name="output">Where the command writes its results (standard output in the real program).</param>
internal abstract class CliCommand(TextWriter output)
{
    /// <summary>Where the command writes its results.</summary>
    protected TextWriter Output { get; } = output ?? throw new ArgumentNullException(nameof(output));

    /// <summary>Creates the System.CommandLine definition of this command, with its action bound to this instance.</summary>
    /// <returns>The command, ready to be added to the root command.</returns>
    public abstract Command Build();

    /// <summary>A model of the built-in library, by name.</summary>
    /// <param name="name">The model's name.</param>
    /// <returns>The model.</returns>
    /// <exception cref="UsageException">No model has that name (the message lists the names).</exception>
    protected static Model LibraryModel(string name)
    {
        try
        {
            return ModelLibrary.Get(name);
        }
        catch (KeyNotFoundException e)
        {
            throw new UsageException(e.Message, e);
        }
    }
}
