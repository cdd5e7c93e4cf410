using System.CommandLine;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;

namespace TwinLab.Cli.Commands;

/// <summary><c>twinlab models show &lt;model&gt;</c>: prints what is known about one built-in model.</summary>
/// <param name="output">Where the description is written.</param>
internal sealed class ModelShowCommand(TextWriter output) : CliCommand(output)
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "show";

    /// <inheritdoc />
    public override Command Build()
    {
        var model = new Argument<string>("model")
        {
            Description = "The name of a built-in model (see 'twinlab models').",
        };
        var format = new Option<ShowFormat>("--format")
        {
            Description = "text: equations, states, parameters, treatments and references; latex: the equations as LaTeX; json: the model file.",
            DefaultValueFactory = _ => ShowFormat.Text,
        };
        var command = new Command(Name, "Describe a built-in model: equations, states, parameters (values, units, bounds, priors), treatments, references and digest.")
        {
            model,
            format,
        };
        command.SetAction(parseResult => Execute(parseResult.GetRequiredValue(model), parseResult.GetValue(format)));
        return command;
    }

    /// <summary>Writes the description of the named built-in model.</summary>
    /// <param name="modelName">The model's name.</param>
    /// <param name="format">How to write it.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">No built-in model has that name; the message lists the available names.</exception>
    public int Execute(string modelName, ShowFormat format = ShowFormat.Text)
    {
        var model = LibraryModel(modelName);

        Output.Write(format switch
        {
            ShowFormat.Latex => model.ToLatex() + Environment.NewLine,
            ShowFormat.Json => ModelJson.Serialize(model),
            _ => model.ToText(),
        });
        return ExitCodes.Success;
    }
}

/// <summary>The output formats of <c>twinlab models show</c>.</summary>
internal enum ShowFormat
{
    /// <summary>Readable text.</summary>
    Text,
    /// <summary>The equations as LaTeX.</summary>
    Latex,
    /// <summary>The model file (data-schemas/model.schema.json).</summary>
    Json,
}
