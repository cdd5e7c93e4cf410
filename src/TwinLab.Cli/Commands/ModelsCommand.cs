using System.CommandLine;
using TwinLab.Cli.Output;
using TwinLab.Core.Library;

namespace TwinLab.Cli.Commands;

/// <summary><c>twinlab models [--names]</c>: lists the built-in models.</summary>
/// <param name="output">Where the list is written.</param>
internal sealed class ModelsCommand(TextWriter output) : CliCommand(output)
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "models";

    /// <inheritdoc />
    public override Command Build()
    {
        var namesOnly = new Option<bool>("--names")
        {
            Description = "Print only the model names, one per line, without a header (for scripts).",
        };
        var command = new Command(Name, "List the built-in models: name, version and description.")
        {
            namesOnly,
        };
        command.SetAction(parseResult => Execute(parseResult.GetValue(namesOnly)));
        command.Subcommands.Add(new ModelShowCommand(Output).Build());
        return command;
    }

    /// <summary>Writes the list of built-in models.</summary>
    /// <param name="namesOnly">
    /// <see langword="true"/> to write only the names, one per line; <see langword="false"/> to write a header line
    /// and one aligned row (name, version, description) per model.
    /// </param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    public int Execute(bool namesOnly)
    {
        var models = ModelLibrary.All;
        if (namesOnly)
        {
            foreach (var model in models)
            {
                Output.WriteLine(model.Name);
            }

            return ExitCodes.Success;
        }

        var table = new TextTable("NAME", "VERSION", "DESCRIPTION");
        foreach (var model in models)
        {
            table.AddRow(model.Name, model.Version, Summary(model.Description));
        }

        table.Write(Output);
        return ExitCodes.Success;
    }

    /// <summary>The first sentence of a description, for a one-line listing.</summary>
    internal static string Summary(string description)
    {
        var end = description.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? description.TrimEnd('.') : description[..end];
    }
}
