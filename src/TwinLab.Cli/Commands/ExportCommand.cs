using System.CommandLine;
using System.Globalization;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.Governance.Archives;
using TwinLab.Governance.Release;
using TwinLab.Governance.Sbml;

namespace TwinLab.Cli.Commands;

/// <summary><c>twinlab export omex --model NAME --out FILE.omex</c>: writes a built-in model as a COMBINE archive
/// (SBML, SED-ML, OMEX metadata, TwinLab model file and parameter set).</summary>
internal sealed class ExportCommand(TextWriter output) : CliCommand(output)
{
    public const string Name = "export";

    public override Command Build()
    {
        var model = new Option<string>("--model") { Description = "A built-in model (see 'twinlab models').", Required = true };
        var outFile = new Option<string>("--out") { Description = "The archive to write (.omex); an existing file is replaced.", Required = true };
        var end = new Option<double>("--end") { Description = "End time of the SED-ML time course (model time units).", DefaultValueFactory = _ => 100 };
        var steps = new Option<int>("--steps") { Description = "Number of output intervals of the time course.", DefaultValueFactory = _ => 100 };
        var created = new Option<string?>("--created") { Description = "Creation time recorded in the archive (ISO 8601, e.g. 2026-01-01T00:00:00Z); now when omitted. Fix it for byte-identical archives." };
        var creator = new Option<string>("--creator") { Description = "The creator recorded in the SBML history and the OMEX metadata: a given name and a family name.", DefaultValueFactory = _ => "TwinLab Contributors" };
        var omex = new Command("omex", "Write a built-in model as a COMBINE archive: SBML L3V2, SED-ML L1V4 (master), metadata.rdf, model.json and parameters.json.")
        {
            model, outFile, end, steps, created, creator,
        };
        omex.SetAction(r => Execute(r.GetRequiredValue(model), r.GetRequiredValue(outFile), r.GetValue(end), r.GetValue(steps), r.GetValue(created), r.GetValue(creator)!));
        return new Command(Name, "Export models in community formats.") { omex };
    }

    public int Execute(string modelName, string outFile, double end, int steps, string? created, string creator)
    {
        var model = LibraryModel(modelName);
        var when = DateTimeOffset.UtcNow;
        if (created is not null && !DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out when))
        {
            throw new UsageException($"--created '{created}' is not a date and time: use ISO 8601, e.g. 2026-01-01T00:00:00Z.");
        }
        var space = creator.Trim().LastIndexOf(' ');
        if (space <= 0)
        {
            throw new UsageException($"--creator '{creator}' needs a given name and a family name, e.g. --creator \"Ada Lovelace\".");
        }
        var (given, family) = (creator.Trim()[..space].Trim(), creator.Trim()[(space + 1)..]);
        TimeCourse course;
        try
        {
            course = new TimeCourse(end, steps);
            var export = OmexArchive.Write(model, course, new SbmlProvenance(family, given, null, when), outFile);
            Output.WriteLine($"Wrote {outFile}: {model.Name} {model.Version} ({model.Digest}), time course 0 to {end.ToString(CultureInfo.InvariantCulture)} in {steps} steps.");
            foreach (var unit in export.UnsupportedUnits)
            {
                Output.WriteLine($"warning: {unit}");
            }
        }
        catch (ArgumentException exception)
        {
            throw new UsageException(exception.Message, exception);
        }
        return ExitCodes.Success;
    }
}

/// <summary><c>twinlab validate PATH</c>: checks a COMBINE archive (safety, manifest, SBML that imports, JSON entries
/// against their schemas) or a release folder (SHA256SUMS, every JSON artefact against its schema, the RO-Crate's links,
/// every archive) and says what is wrong and where.</summary>
internal sealed class ValidateCommand(TextWriter output) : CliCommand(output)
{
    public const string Name = "validate";

    public override Command Build()
    {
        var path = new Argument<string>("path") { Description = "The archive (.omex) or the release folder (written by 'twinlab release') to check." };
        var command = new Command(Name, "Check a COMBINE archive (unsafe paths, zip bombs, manifest, SBML, JSON schemas) or a release folder (SHA256SUMS, schemas, RO-Crate links, archives).") { path };
        command.SetAction(r => Execute(r.GetRequiredValue(path)));
        return command;
    }

    public int Execute(string path)
    {
        var release = Directory.Exists(path);
        if (!release && !File.Exists(path))
        {
            throw new UsageException($"'{path}' does not exist: give the path of a .omex archive or of a release folder.");
        }
        var problems = release ? ReleaseValidator.ValidateRelease(path) : ReleaseValidator.ValidateArchive(path);
        foreach (var problem in problems)
        {
            Output.WriteLine($"{path}: {problem}");
        }
        Output.WriteLine(problems.Count == 0
            ? $"{path}: valid {(release ? "release" : "COMBINE archive")}."
            : $"{path}: {problems.Count} problem(s).");
        return problems.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
