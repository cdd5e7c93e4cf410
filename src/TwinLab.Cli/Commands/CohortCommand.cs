using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using TwinLab.Core.Distributions;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.Data.Csv;
using TwinLab.Data.Store;
using TwinLab.Simulation;
using TwinLab.Synthetic.Cohorts;
using TwinLab.Synthetic.Observation;
using TwinLab.Synthetic.Storage;

namespace TwinLab.Cli.Commands;

/// <summary>
/// <c>twinlab cohort</c>: virtual cohorts. <c>generate</c> draws a cohort from a built-in model, simulates it under one
/// or more treatment arms and stores everything (with provenance) in an SQLite store; <c>export</c> writes a stored
/// cohort's subjects or observations as CSV. Further sub-commands are added in their own files by implementing
/// <see cref="AddSubcommands"/> in another part of this class.
/// </summary>
/// <param name="output">Where the summary is written.</param>
internal sealed partial class CohortCommand(TextWriter output) : CliCommand(output)
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "cohort";

    /// <inheritdoc />
    public override Command Build()
    {
        var command = new Command(Name, "Virtual cohorts: generate, simulate, observe and store them; export them as CSV.")
        {
            BuildGenerate(),
            BuildExport(),
        };
        AddSubcommands(command);
        return command;
    }

    /// <summary>Adds sub-commands defined in other files (e.g. <c>cohort evaluate</c>) to the <c>cohort</c> command.</summary>
    /// <param name="cohort">The <c>cohort</c> command.</param>
    partial void AddSubcommands(Command cohort);

    /// <summary>Everything <c>cohort generate</c> was asked to do.</summary>
    internal sealed record GenerateRequest(string Model, int Size, ulong Seed, string Database)
    {
        /// <summary>Oversampling: <c>covariate:level=factor</c> or <c>level=factor</c>.</summary>
        public IReadOnlyList<string> Oversample { get; init; } = [];

        /// <summary>The arms (see <see cref="TreatmentArm.Parse"/>); the model's own treatments when null.</summary>
        public string? Arms { get; init; }

        /// <summary>Coefficient of variation of every varying parameter; the library priors' σ when null.</summary>
        public double? Variability { get; init; }

        /// <summary>End time in the model's unit (default 100).</summary>
        public double? End { get; init; }

        /// <summary>Interval of saved times and visits (default end / 50).</summary>
        public double? SaveInterval { get; init; }

        /// <summary>The observed state or observable (default: the first observable, else the first state).</summary>
        public string? Endpoint { get; init; }

        /// <summary>Measurement error: <c>none</c>, <c>additive:A</c>, <c>proportional:B</c>, <c>combined:A,B</c> or <c>lognormal:S</c>.</summary>
        public string Error { get; init; } = "none";

        /// <summary>Lower limit of quantification of the endpoint.</summary>
        public double? Lloq { get; init; }
    }

    /// <summary>Generates, simulates, observes and stores a cohort.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">A bad model, size, oversampling, arm, endpoint, error model or path.</exception>
    public int Generate(GenerateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = LibraryModel(request.Model);
        if (request.Size <= 0)
        {
            throw new UsageException($"--n must be a positive number of subjects; got {request.Size}.");
        }
        var end = request.End ?? 100;
        if (!double.IsFinite(end) || end <= 0)
        {
            throw new UsageException("--tend must be a positive number.");
        }
        var interval = request.SaveInterval ?? end / 50;
        if (!double.IsFinite(interval) || interval <= 0 || interval > end)
        {
            throw new UsageException("--dt-save must be a positive number no larger than the end time.");
        }
        if (request.Variability is { } cv && (!double.IsFinite(cv) || cv <= 0))
        {
            throw new UsageException("--variability must be a positive coefficient of variation (e.g. 0.3).");
        }
        var covariates = CovariateModel.Oncology();
        var representation = ParseOversampling(covariates, request.Oversample);
        var population = Population(model, request.Variability);
        IReadOnlyList<TreatmentArm> arms;
        try
        {
            arms = request.Arms is null ? [TreatmentArm.Standard(model)] : TreatmentArm.Parse(model, request.Arms);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--arms: {e.Message}", e);
        }
        var endpointName = request.Endpoint ?? (model.Observables.Count > 0 ? model.Observables[0].Name : model.States[0].Name);
        var unit = model.States.FirstOrDefault(s => s.Name == endpointName)?.Unit ?? model.Observables.FirstOrDefault(o => o.Name == endpointName)?.Unit
            ?? throw new UsageException($"--endpoint: model '{model.Name}' has no state or observable '{endpointName}'; its states are {string.Join(", ", model.States.Select(s => s.Name))} and its observables {(model.Observables.Count == 0 ? "none" : string.Join(", ", model.Observables.Select(o => o.Name)))}.");
        var error = ParseError(request.Error);
        if (request.Lloq is { } lloq && !double.IsFinite(lloq))
        {
            throw new UsageException("--lloq must be a finite number.");
        }
        var database = Path.GetFullPath(request.Database);
        if (!database.EndsWith(".db", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--db '{request.Database}' must name an SQLite file ending in .db.");
        }
        if (!Directory.Exists(Path.GetDirectoryName(database)))
        {
            throw new UsageException($"Cannot write '{request.Database}': the folder '{Path.GetDirectoryName(database)}' does not exist.");
        }

        VirtualCohort cohort;
        try
        {
            cohort = VirtualCohort.Generate(new CohortDesign(population, covariates, request.Size, request.Seed, representation));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
        var saveAt = SaveTimes(end, interval);
        var simulation = CounterfactualSimulation.Run(cohort, arms, (0, end), saveAt, new AutoAlgorithm { RelTol = 1e-6, AbsTol = 1e-8 });
        var source = new DataSource("simulation", new Endpoint(endpointName, endpointName, unit), new VisitSchedule(saveAt), error) { Lloq = request.Lloq };
        var provenance = new JsonObject
        {
            ["commandLine"] = new JsonArray([.. Environment.GetCommandLineArgs().Skip(1).Select(a => (JsonNode)a)]),
            ["request"] = System.Text.Json.JsonSerializer.SerializeToNode(request),
            ["arms"] = new JsonArray([.. arms.Select(a => (JsonNode)a.ToString())]),
            ["observation"] = new JsonObject { ["endpoint"] = endpointName, ["unit"] = unit, ["error"] = error.ToString(), ["lloq"] = request.Lloq },
        };
        var observed = simulation.Runs.Select(run => ObservationModel.Observe(cohort, run, source)).ToList();
        try
        {
            using var store = CohortStore.Open(database);
            if (store.Cohorts().Any(c => c.CohortId == cohort.CohortId))
            {
                throw new UsageException($"Cohort {cohort.CohortId} (the same model, size, seed and design) is already in {request.Database}; change --seed or write another file.");
            }
            store.SaveCohort(cohort, provenance);
            for (var i = 0; i < simulation.Runs.Count; i++)
            {
                store.SaveRun(cohort, simulation.Runs[i], observed[i].Records);
            }
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot write the store '{request.Database}': {e.Message}", e);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }

        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cohort {cohort.CohortId}: {cohort.Subjects.Count} subjects of {model.Name} (seed {request.Seed}) from {cohort.Report.CandidatesDrawn} candidates"));
        foreach (var (parameter, count) in cohort.Report.ParameterRejections)
        {
            Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {parameter}: {count} draws outside the model's bounds rejected and redrawn"));
        }
        if (representation is OversampleRepresentation o)
        {
            foreach (var f in o.Factors)
            {
                var n = cohort.Subjects.Count(s => s.Covariates.Level(f.Subgroup.Covariate) == f.Subgroup.Level);
                Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {f.Subgroup} oversampled x{f.Factor}: {n} subjects, sampling weights recorded"));
            }
        }
        for (var i = 0; i < simulation.Runs.Count; i++)
        {
            var run = simulation.Runs[i];
            Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  arm {run.Arm.Name} (run {run.RunId}): {run.Solution.Failed} failed trajectories; {observed[i].Summary}"));
        }
        Output.WriteLine($"wrote {request.Database}");
        return ExitCodes.Success;
    }

    /// <summary>Everything <c>cohort export</c> was asked to do.</summary>
    internal sealed record ExportRequest(string Database, string Out, string? Cohort, string Table);

    /// <summary>Exports a stored cohort as CSV.</summary>
    /// <param name="request">The request.</param>
    /// <returns><see cref="ExitCodes.Success"/>.</returns>
    /// <exception cref="UsageException">A missing store, an unknown or ambiguous cohort, a bad table or output path.</exception>
    public int Export(ExportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!File.Exists(request.Database))
        {
            throw new UsageException($"--db '{request.Database}' does not exist; create it with 'twinlab cohort generate'.");
        }
        if (request.Table is not ("subjects" or "observations"))
        {
            throw new UsageException($"--table must be subjects or observations; got '{request.Table}'.");
        }
        var outPath = Path.GetFullPath(request.Out);
        if (!Directory.Exists(Path.GetDirectoryName(outPath)))
        {
            throw new UsageException($"Cannot write '{request.Out}': the folder '{Path.GetDirectoryName(outPath)}' does not exist.");
        }
        try
        {
            using var store = CohortStore.Open(request.Database);
            var cohorts = store.Cohorts();
            CohortRow cohort;
            if (request.Cohort is { } id)
            {
                cohort = cohorts.FirstOrDefault(c => c.CohortId == id)
                    ?? throw new UsageException($"Cohort '{id}' is not in {request.Database}; it holds {(cohorts.Count == 0 ? "no cohorts" : string.Join(", ", cohorts.Select(c => c.CohortId)))}.");
            }
            else
            {
                cohort = cohorts.Count switch
                {
                    0 => throw new UsageException($"{request.Database} holds no cohorts."),
                    1 => cohorts[0],
                    _ => throw new UsageException($"{request.Database} holds {cohorts.Count} cohorts ({string.Join(", ", cohorts.Select(c => c.CohortId))}): choose one with --cohort ID."),
                };
            }
            var rows = request.Table == "subjects"
                ? SubjectCsv.Write(outPath, store.Subjects(cohort.CohortId), store.ParameterSets(cohort.CohortId))
                : ObservationCsv.Write(outPath, store.Observations(cohort.CohortId));
            Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cohort {cohort.CohortId} ({cohort.ModelName}, seed {cohort.Seed}): {rows} {request.Table} rows; wrote {request.Out}"));
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new UsageException($"Cannot export from '{request.Database}': {e.Message}", e);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
        return ExitCodes.Success;
    }

    private Command BuildGenerate()
    {
        var model = new Option<string>("--model") { Description = "A built-in model (see 'twinlab models').", Required = true };
        var size = new Option<int>("--n") { Description = "The number of virtual subjects.", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "The seed of every random stream.", Required = true };
        var oversample = new Option<string[]>("--oversample") { Description = "Oversample a subgroup: covariate:level=factor, or level=factor when the level is unique (repeatable), e.g. ancestry:east_asian=3." };
        var arms = new Option<string?>("--arms") { Description = "Treatment arms: NAME=SCHEDULE;... with none, model, every:INTERVALxCOUNT[+START] or at:T1/T2, optionally *SCALE (default: the model's own treatments)." };
        var variability = new Option<double?>("--variability") { Description = "Coefficient of variation of every parameter with a log-normal prior (default: the prior's own σ)." };
        var tend = new Option<double?>("--tend") { Description = "End time, in the model's time unit (default 100)." };
        var dtSave = new Option<double?>("--dt-save") { Description = "Interval between saved times, which are also the visits (default: end time / 50)." };
        var endpoint = new Option<string?>("--endpoint") { Description = "The state or observable observed (default: the first observable, else the first state)." };
        var error = new Option<string>("--error") { Description = "Measurement error: none, additive:A, proportional:B, combined:A,B or lognormal:S.", DefaultValueFactory = _ => "none" };
        var lloq = new Option<double?>("--lloq") { Description = "Lower limit of quantification of the endpoint (censored values are flagged and kept)." };
        var database = new Option<string>("--db") { Description = "The SQLite store to write (created if needed; a cohort is added to an existing store).", Required = true };
        var command = new Command("generate", "Draw a virtual cohort from a built-in model, simulate it under each arm, observe it and store it.")
        {
            model, size, seed, oversample, arms, variability, tend, dtSave, endpoint, error, lloq, database,
        };
        command.SetAction(r => Generate(new GenerateRequest(r.GetRequiredValue(model), r.GetRequiredValue(size), r.GetRequiredValue(seed), r.GetRequiredValue(database))
        {
            Oversample = r.GetValue(oversample) ?? [],
            Arms = r.GetValue(arms),
            Variability = r.GetValue(variability),
            End = r.GetValue(tend),
            SaveInterval = r.GetValue(dtSave),
            Endpoint = r.GetValue(endpoint),
            Error = r.GetValue(error) ?? "none",
            Lloq = r.GetValue(lloq),
        }));
        return command;
    }

    private Command BuildExport()
    {
        var database = new Option<string>("--db") { Description = "The SQLite store.", Required = true };
        var outFile = new Option<string>("--out") { Description = "The CSV file to write.", Required = true };
        var cohort = new Option<string?>("--cohort") { Description = "The cohort's id (needed when the store holds several)." };
        var table = new Option<string>("--table") { Description = "subjects (one row per subject: weight, covariates, parameters) or observations (one row per visit).", DefaultValueFactory = _ => "subjects" };
        table.AcceptOnlyFromAmong("subjects", "observations");
        var command = new Command("export", "Write a stored cohort's subjects or observations as CSV.") { database, outFile, cohort, table };
        command.SetAction(r => Export(new ExportRequest(r.GetRequiredValue(database), r.GetRequiredValue(outFile), r.GetValue(cohort), r.GetValue(table) ?? "subjects")));
        return command;
    }

    /// <summary>
    /// The command line's population model: every parameter with a log-normal prior varies, with ω = the prior's σ or
    /// √(ln(1 + CV²)); clearances (CL, Q) scale with weight to the power 0.75 and volumes in litres (V, V1, V2, Vc, Vp)
    /// linearly, both normalised to 70 kg.
    /// </summary>
    internal static PopulationModel Population(Model model, double? cv)
    {
        var builder = new PopulationModelBuilder(model);
        foreach (var p in model.Parameters)
        {
            if (p.Prior is LogNormal prior)
            {
                var omega = cv is { } c ? Math.Sqrt(Math.Log(1 + (c * c))) : prior.Parameters.First(k => k.Key == "sigma").Value;
                builder.Variability(p.Name, omega);
            }
            if (p.Name is "CL" or "Q")
            {
                builder.Power(p.Name, "weight", 0.75, 70);
            }
            else if (p.Name is "V" or "V1" or "V2" or "Vc" or "Vp" && p.Unit == "L")
            {
                builder.Power(p.Name, "weight", 1, 70);
            }
        }
        return builder.Build();
    }

    private static Representation? ParseOversampling(CovariateModel covariates, IReadOnlyList<string> specifications)
    {
        if (specifications.Count == 0)
        {
            return null;
        }
        const string Form = "covariate:level=factor or level=factor (e.g. --oversample ancestry:east_asian=3)";
        var categorical = covariates.Definitions.OfType<CategoricalCovariate>().ToList();
        var factors = new List<(Subgroup, double)>();
        foreach (var text in specifications)
        {
            var eq = text.LastIndexOf('=');
            if (eq <= 0 || !double.TryParse(text[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) || !double.IsFinite(factor) || factor <= 0)
            {
                throw new UsageException($"--oversample '{text}' is not {Form} with a positive factor.");
            }
            var group = text[..eq];
            var colon = group.IndexOf(':', StringComparison.Ordinal);
            Subgroup subgroup;
            if (colon > 0)
            {
                subgroup = new Subgroup(group[..colon], group[(colon + 1)..]);
            }
            else
            {
                var matches = categorical.Where(c => c.LevelNames.Contains(group)).ToList();
                subgroup = matches.Count switch
                {
                    1 => new Subgroup(matches[0].Name, group),
                    0 => throw new UsageException($"--oversample '{text}': no covariate has a level '{group}'; the subgroups are {string.Join(", ", categorical.SelectMany(c => c.LevelNames.Select(l => $"{c.Name}:{l}")))}."),
                    _ => throw new UsageException($"--oversample '{text}': '{group}' is a level of {string.Join(" and ", matches.Select(m => m.Name))}; write covariate:level."),
                };
            }
            factors.Add((subgroup, factor));
        }
        try
        {
            var representation = Representation.Oversample([.. factors]);
            _ = new CohortDesign(new PopulationModelBuilder(ModelLibrary.Get("exponential")).Build(), covariates, 1, 0, representation);
            return representation;
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--oversample: {e.Message}", e);
        }
    }

    private static ResidualError ParseError(string text)
    {
        const string Form = "none, additive:A, proportional:B, combined:A,B or lognormal:S (e.g. --error proportional:0.1)";
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? text : text[..colon];
        var numbers = new List<double>();
        if (colon >= 0)
        {
            foreach (var part in text[(colon + 1)..].Split(','))
            {
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || v < 0)
                {
                    throw new UsageException($"--error '{text}': '{part}' is not a number of 0 or more; write {Form}.");
                }
                numbers.Add(v);
            }
        }
        return (kind, numbers.Count) switch
        {
            ("none", 0) => ResidualError.None,
            ("additive", 1) => ResidualError.Additive(numbers[0]),
            ("proportional", 1) => ResidualError.Proportional(numbers[0]),
            ("combined", 2) => ResidualError.Combined(numbers[0], numbers[1]),
            ("lognormal", 1) => ResidualError.LogNormal(numbers[0]),
            _ => throw new UsageException($"--error '{text}' is not {Form}."),
        };
    }

    private static double[] SaveTimes(double end, double interval)
    {
        var count = (int)Math.Floor((end / interval) + 1e-9);
        var times = Enumerable.Range(0, count + 1).Select(i => i * interval).Where(t => t < end).ToList();
        times.Add(end);
        return [.. times];
    }
}
