using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using Constant = TwinLab.Core.Symbolic.Constant;
using Spectre.Console;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Cli.Commands;

/// <summary>
/// <c>twinlab simulate --model NAME ... --out FILE.csv</c>: solves one trajectory of a built-in model and writes a CSV
/// (a <c>time</c> column, then the states, then the observables) with a provenance file beside it
/// (<c>FILE.csv.meta.json</c>: model, digest, parameters, solver, status, TwinLab version).
/// </summary>
/// <param name="output">Where the summary line is written.</param>
internal sealed class SimulateCommand(TextWriter output) : CliCommand(output)
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "simulate";

    /// <summary>The solvers, by their command-line names (<c>rodas5</c> is accepted for <c>rodas5p</c>).</summary>
    internal static readonly string[] Solvers = ["auto", "tsit5", "dp5", "rk4", "rosenbrock23", "rodas5p", "rodas5"];

    /// <inheritdoc />
    public override Command Build()
    {
        var model = new Option<string>("--model") { Description = "A built-in model (see 'twinlab models').", Required = true };
        var parameters = new Option<string[]>("--param") { Description = "Override a parameter: name=value (repeatable).", AllowMultipleArgumentsPerToken = false };
        var days = new Option<double?>("--days") { Description = "End time in days (same as --tend for models whose time unit is days)." };
        var tend = new Option<double?>("--tend") { Description = "End time, in the model's time unit (default 100)." };
        var dtSave = new Option<double?>("--dt-save") { Description = "Interval between saved time points (default: end time / 100)." };
        var solver = new Option<string>("--solver") { Description = "auto (default: tsit5, switching to rodas5p when stiff), tsit5, dp5, rk4 (fixed step: --step), rosenbrock23, rodas5p (or rodas5; stiff, 5th order).", DefaultValueFactory = _ => "auto" };
        solver.AcceptOnlyFromAmong(Solvers);
        var step = new Option<double?>("--step") { Description = "Fixed step size for rk4 (default: --dt-save / 10)." };
        var rtol = new Option<double?>("--rtol") { Description = "Relative tolerance (default 1e-6)." };
        var atol = new Option<double?>("--atol") { Description = "Absolute tolerance (default 1e-8)." };
        var doses = new Option<string[]>("--dose") { Description = "Extra bolus doses: \"state=amount@t1,t2,...\" (repeatable)." };
        var noModelDoses = new Option<bool>("--no-model-doses") { Description = "Leave out the model's own treatments (the untreated course)." };
        var patients = new Option<int?>("--patients") { Description = "Simulate N virtual patients with log-normal variability around the nominal parameters." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of the virtual patients' random streams (default 1)." };
        var variability = new Option<double?>("--variability") { Description = "Coefficient of variation of every parameter across patients (default 0.3)." };
        var parameterFile = new Option<string?>("--parameters") { Description = "A CSV file of patients: a header of parameter (or state) names, one row per patient." };
        var outFile = new Option<string>("--out") { Description = "The file to write: CSV, or an SQLite database when it ends in .db (ensembles).", Required = true };
        var command = new Command(Name, "Solve one trajectory of a built-in model and write it as CSV (time, states, observables).")
        {
            model, parameters, days, tend, dtSave, solver, step, rtol, atol, doses, noModelDoses, patients, seed, variability, parameterFile, outFile,
        };
        command.SetAction(r => Execute(new Request(
            r.GetRequiredValue(model),
            r.GetValue(parameters) ?? [],
            r.GetValue(days) ?? r.GetValue(tend),
            r.GetValue(days) is not null && r.GetValue(tend) is not null,
            r.GetValue(dtSave),
            r.GetValue(solver) ?? "auto",
            r.GetValue(step),
            r.GetValue(rtol),
            r.GetValue(atol),
            r.GetValue(doses) ?? [],
            r.GetValue(noModelDoses),
            r.GetRequiredValue(outFile))
        {
            Patients = r.GetValue(patients),
            Seed = r.GetValue(seed),
            Variability = r.GetValue(variability),
            ParameterFile = r.GetValue(parameterFile),
        }));
        return command;
    }

    /// <summary>Everything <c>simulate</c> was asked to do.</summary>
    internal sealed record Request(string Model, string[] Parameters, double? End, bool EndGivenTwice, double? SaveInterval,
        string Solver, double? Step, double? RelTol, double? AbsTol, string[] Doses, bool NoModelDoses, string Out)
    {
        /// <summary>Number of virtual patients (ensemble mode).</summary>
        public int? Patients { get; init; }

        /// <summary>Seed of the patients' random streams.</summary>
        public ulong? Seed { get; init; }

        /// <summary>Coefficient of variation across patients.</summary>
        public double? Variability { get; init; }

        /// <summary>A CSV file of patients (ensemble mode).</summary>
        public string? ParameterFile { get; init; }

        /// <summary>Whether an ensemble is asked for.</summary>
        public bool IsEnsemble => Patients is not null || ParameterFile is not null;
    }

    /// <summary>Runs the simulation and writes the files.</summary>
    /// <returns><see cref="ExitCodes.Success"/>, or <see cref="ExitCodes.Failure"/> when the solver failed (the points
    /// computed before the failure are still written).</returns>
    /// <exception cref="UsageException">A bad model, parameter, dose, option value or output path.</exception>
    public int Execute(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = LibraryModel(request.Model);
        if (request.EndGivenTwice)
        {
            throw new UsageException("Give either --days or --tend, not both.");
        }
        var end = request.End ?? 100;
        if (!double.IsFinite(end) || end <= 0)
        {
            throw new UsageException($"The end time must be a positive number; got {end.ToString(CultureInfo.InvariantCulture)}.");
        }
        var interval = request.SaveInterval ?? end / 100;
        if (!double.IsFinite(interval) || interval <= 0)
        {
            throw new UsageException("--dt-save must be a positive number.");
        }
        var overrides = ParseParameters(model, request.Parameters);
        var extraDoses = request.Doses.Select((d, i) => ParseDose(model, d, i)).ToList();
        var algorithm = CreateAlgorithm(request, interval);
        var saveAt = SaveTimes(end, interval);

        var outPath = Path.GetFullPath(request.Out);
        var directory = Path.GetDirectoryName(outPath)!;
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"Cannot write '{request.Out}': the folder '{directory}' does not exist.");
        }

        OdeProblem problem;
        try
        {
            problem = new OdeProblem(model, (0, end), saveAt, overrides, doses: extraDoses, includeModelTreatments: !request.NoModelDoses);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
        if (request.IsEnsemble)
        {
            return ExecuteEnsemble(request, problem, algorithm, outPath);
        }
        if (outPath.EndsWith(".db", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException("SQLite output (.db) is for ensembles: add --patients N or --parameters FILE.csv, or write a .csv file.");
        }
        var solution = problem.Solve(algorithm);
        WriteAtomically(outPath, Csv(solution));
        WriteAtomically(outPath + ".meta.json", Provenance(solution, request));
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model.Name}: {solution.Status}, {solution.Count} points to t = {(solution.Count > 0 ? solution.Times[^1] : 0):G6}, {solution.Statistics.AcceptedSteps} steps; wrote {request.Out}"));
        if (!solution.Succeeded)
        {
            throw new SolverFailedException(solution.Message);
        }
        return ExitCodes.Success;
    }

    private int ExecuteEnsemble(Request request, OdeProblem problem, OdeAlgorithm algorithm, string outPath)
    {
        PatientTable table;
        if (request.ParameterFile is { } file)
        {
            if (request.Patients is not null || request.Variability is not null || request.Seed is not null)
            {
                throw new UsageException("--parameters FILE gives the patients itself: leave out --patients, --variability and --seed.");
            }
            try
            {
                table = PatientTable.FromCsv(file);
            }
            catch (Exception e) when (e is FormatException or IOException)
            {
                throw new UsageException(e.Message, e);
            }
        }
        else
        {
            var count = request.Patients!.Value;
            if (count <= 0)
            {
                throw new UsageException($"--patients must be a positive number; got {count}.");
            }
            var cv = request.Variability ?? 0.3;
            if (!double.IsFinite(cv) || cv < 0)
            {
                throw new UsageException("--variability must be 0 or more (a coefficient of variation, e.g. 0.3).");
            }
            table = PatientTable.LogNormal(problem.Model, count, cv, request.Seed ?? 1);
        }
        EnsembleProblem ensemble;
        try
        {
            ensemble = problem.Ensemble(table);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
        var solution = SolveWithProgress(ensemble, algorithm);
        var provenance = EnsembleProvenance(solution, request);
        try
        {
            EnsembleOutput.Write(solution, outPath, provenance);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new UsageException($"Cannot write '{request.Out}': {e.Message}", e);
        }
        WriteAtomically(outPath + ".meta.json", provenance);
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{solution.Model.Name}: {solution.Count} patients, {solution.Failed} failed, {solution.AcceptedSteps} steps in {solution.Elapsed.TotalSeconds:F2} s; wrote {request.Out}"));
        return ExitCodes.Success;
    }

    /// <summary>Solves with a progress bar on a terminal; silently otherwise (scripts, tests, CI logs).</summary>
    private static EnsembleSolution SolveWithProgress(EnsembleProblem ensemble, OdeAlgorithm algorithm)
    {
        if (Console.IsErrorRedirected || Console.IsOutputRedirected)
        {
            return ensemble.Solve(algorithm);
        }
        EnsembleSolution? solution = null;
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(Console.Error) });
        console.Progress().Start(context =>
        {
            var task = context.AddTask($"{ensemble.Patients.Count} patients", maxValue: ensemble.Patients.Count);
            var progress = new Progress<EnsembleProgress>(p => task.Value = p.Completed);
            solution = ensemble.Solve(algorithm, new EnsembleOptions { Progress = progress });
            task.Value = ensemble.Patients.Count;
        });
        return solution!;
    }

    private static string EnsembleProvenance(EnsembleSolution solution, Request request)
    {
        var model = solution.Model;
        var document = new JsonObject
        {
            ["twinlabVersion"] = TwinLabCli.Version,
            ["dotnetVersion"] = Environment.Version.ToString(),
            ["model"] = new JsonObject { ["name"] = model.Name, ["version"] = model.Version, ["digest"] = model.Digest },
            ["patients"] = solution.Problem.Patients.Description,
            ["seed"] = request.ParameterFile is null ? request.Seed ?? 1 : null,
            ["timeSpan"] = new JsonArray(solution.Problem.Template.Start, solution.Problem.Template.End),
            ["solver"] = solution.Algorithm,
            ["engine"] = solution.Engine,
            ["failed"] = solution.Failed,
            ["commandLine"] = new JsonArray([.. Environment.GetCommandLineArgs().Skip(1).Select(a => (JsonNode)a)]),
        };
        return document.ToJsonString(JsonOptions) + "\n";
    }

    private static double[] SaveTimes(double end, double interval)
    {
        var count = (int)Math.Floor((end / interval) + 1e-9);
        var times = Enumerable.Range(0, count + 1).Select(i => i * interval).Where(t => t < end).ToList();
        times.Add(end);
        return [.. times];
    }

    private static OdeAlgorithm CreateAlgorithm(Request request, double interval)
    {
        try
        {
            var rtol = request.RelTol ?? 1e-6;
            var atol = request.AbsTol ?? 1e-8;
            return request.Solver switch
            {
                "tsit5" => new Tsit5 { RelTol = rtol, AbsTol = atol },
                "dp5" => new DormandPrince5 { RelTol = rtol, AbsTol = atol },
                "rk4" => new RungeKutta4(request.Step ?? interval / 10),
                "rosenbrock23" => new Rosenbrock23 { RelTol = rtol, AbsTol = atol },
                "rodas5p" or "rodas5" => new Rodas5P { RelTol = rtol, AbsTol = atol },
                _ => new AutoAlgorithm { RelTol = rtol, AbsTol = atol },
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new UsageException($"{e.ParamName} must be a positive number.", e);
        }
    }

    private static Dictionary<string, double> ParseParameters(Model model, string[] assignments)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            var eq = assignment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !double.TryParse(assignment[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new UsageException($"--param '{assignment}' is not name=value with a finite number (e.g. --param r=0.2).");
            }
            var name = assignment[..eq];
            if (!model.Parameters.Any(p => p.Name == name))
            {
                throw new UsageException($"Model '{model.Name}' has no parameter '{name}'; its parameters are {string.Join(", ", model.Parameters.Select(p => p.Name))}.");
            }
            values[name] = value;
        }
        return values;
    }

    private static Bolus ParseDose(Model model, string text, int index)
    {
        const string Form = "\"state=amount@t1,t2,...\" (e.g. --dose \"A_gut=100@0,12,24\")";
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (eq <= 0 || at < eq)
        {
            throw new UsageException($"--dose '{text}' is malformed: write {Form}.");
        }
        var state = text[..eq];
        if (!model.States.Any(s => s.Name == state))
        {
            throw new UsageException($"--dose '{text}': model '{model.Name}' has no state '{state}'; its states are {string.Join(", ", model.States.Select(s => s.Name))}.");
        }
        if (!double.TryParse(text[(eq + 1)..at], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || !double.IsFinite(amount))
        {
            throw new UsageException($"--dose '{text}': the amount '{text[(eq + 1)..at]}' is not a number; write {Form}.");
        }
        var times = new List<double>();
        foreach (var part in text[(at + 1)..].Split(','))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) || !double.IsFinite(t) || t < 0)
            {
                throw new UsageException($"--dose '{text}': '{part}' is not a dose time (a number, 0 or more); write {Form}.");
            }
            times.Add(t);
        }
        return new Bolus($"cli_dose_{index + 1}", new TwinLab.Core.Symbolic.Symbol(state), new Constant(amount), DoseSchedule.At([.. times]));
    }

    private static string Csv(Solution solution)
    {
        var model = solution.Model;
        var sb = new StringBuilder();
        sb.Append("time");
        foreach (var name in model.States.Select(s => s.Name).Concat(model.Observables.Select(o => o.Name)))
        {
            sb.Append(',').Append(name);
        }
        sb.Append('\n');
        var observables = model.Observables.Select(o => solution.Observable(o.Name)).ToArray();
        for (var i = 0; i < solution.Count; i++)
        {
            sb.Append(solution.Times[i].ToString("R", CultureInfo.InvariantCulture));
            for (var s = 0; s < model.States.Count; s++)
            {
                sb.Append(',').Append(solution[i, s].ToString("R", CultureInfo.InvariantCulture));
            }
            foreach (var series in observables)
            {
                sb.Append(',').Append(series[i].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Provenance(Solution solution, Request request)
    {
        var model = solution.Model;
        var document = new JsonObject
        {
            ["twinlabVersion"] = TwinLabCli.Version,
            ["dotnetVersion"] = Environment.Version.ToString(),
            ["model"] = new JsonObject { ["name"] = model.Name, ["version"] = model.Version, ["digest"] = model.Digest },
            ["parameters"] = new JsonObject(model.Parameters.Select((p, i) => KeyValuePair.Create(p.Name, (JsonNode?)solution.Problem.Parameters[i]))),
            ["initialState"] = new JsonObject(model.States.Select((s, i) => KeyValuePair.Create(s.Name, (JsonNode?)solution.Problem.InitialState[i]))),
            ["treatments"] = new JsonArray([.. solution.Problem.Treatments.Select(t => (JsonNode)t.ToString()!)]),
            ["timeSpan"] = new JsonArray(solution.Problem.Start, solution.Problem.End),
            ["solver"] = solution.Algorithm,
            ["status"] = solution.Status.ToString(),
            ["message"] = solution.Message,
            ["statistics"] = JsonSerializer.SerializeToNode(solution.Statistics),
            ["commandLine"] = new JsonArray([.. Environment.GetCommandLineArgs().Skip(1).Select(a => (JsonNode)a)]),
            ["request"] = JsonSerializer.SerializeToNode(request),
        };
        return document.ToJsonString(JsonOptions) + "\n";
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static void WriteAtomically(string path, string content)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(temporary, content, new UTF8Encoding(false));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot write '{path}': {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}

/// <summary>The solver ended with a failure status; the message explains it.</summary>
internal sealed class SolverFailedException : Exception
{
    public SolverFailedException() { }

    public SolverFailedException(string message) : base(message) { }

    public SolverFailedException(string message, Exception innerException) : base(message, innerException) { }
}
