using System.CommandLine;
using System.Globalization;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;

namespace TwinLab.Cli.Commands;

/// <summary><c>twinlab describe &lt;model&gt;</c>: prints what is known about one built-in model.</summary>
/// <param name="output">Where the description is written.</param>
internal sealed class DescribeCommand(TextWriter output) : CliCommand(output)
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "describe";

    /// <inheritdoc />
    public override Command Build()
    {
        var model = new Argument<string>("model")
        {
            Description = "The name of a built-in model (see 'twinlab models').",
        };
        var command = new Command(Name, "Describe a built-in model: name, version and description.")
        {
            model,
        };
        command.SetAction(parseResult => Execute(parseResult.GetRequiredValue(model)));
        return command;
    }

    /// <summary>Writes the description of the named built-in model.</summary>
    /// <param name="modelName">The model's name.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">No built-in model has that name; the message lists the available names.</exception>
    public int Execute(string modelName)
    {
        Model model;
        try
        {
            model = ModelLibrary.Get(modelName);
        }
        catch (KeyNotFoundException exception)
        {
            var available = string.Join(", ", ModelLibrary.All.Select(m => m.Name));
            throw new UsageException(
                string.Create(CultureInfo.InvariantCulture, $"{exception.Message} Available models: {available}."),
                exception);
        }

        Output.WriteLine($"Name:         {model.Name}");
        Output.WriteLine($"Version:      {model.Version}");
        Output.WriteLine($"Description:  {model.Description}");
        return ExitCodes.Success;
    }
}
