using System.Globalization;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;
using TwinLab.Simulation;
using TwinLab.Simulation.Ensembles;

namespace TwinLab.Synthetic.Cohorts;

/// <summary>
/// A treatment arm: the treatments every subject receives in it (the model's own treatments are replaced). Arms of one
/// cohort differ only in treatment: the subjects, their parameters and their random streams are the same.
/// </summary>
public sealed record TreatmentArm
{
    private TreatmentArm(string name, IReadOnlyList<Treatment> treatments, string description)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            throw new ArgumentException($"Arm name '{name}' is not valid: use letters, digits, '-' and '_'.", nameof(name));
        }
        Name = name;
        Treatments = treatments;
        Description = description;
    }

    /// <summary>The arm's name.</summary>
    public string Name { get; }

    /// <summary>The treatments given in this arm.</summary>
    public IReadOnlyList<Treatment> Treatments { get; }

    /// <summary>What the arm gives, as text.</summary>
    public string Description { get; }

    /// <summary>No treatment: the natural course.</summary>
    /// <param name="name">The arm's name.</param>
    /// <returns>The arm.</returns>
    public static TreatmentArm Untreated(string name = "control") => new(name, [], "untreated");

    /// <summary>The model's own treatments.</summary>
    /// <param name="model">The model.</param>
    /// <param name="name">The arm's name.</param>
    /// <returns>The arm.</returns>
    public static TreatmentArm Standard(Model model, string name = "standard")
    {
        ArgumentNullException.ThrowIfNull(model);
        return new(name, model.Treatments, model.Treatments.Count == 0 ? "untreated (the model has no treatments)" : string.Join("; ", model.Treatments));
    }

    /// <summary>Every treatment of the model given on another schedule, with its amount (or infusion rate) multiplied by <paramref name="doseScale"/>.</summary>
    /// <param name="model">The model (it must have treatments).</param>
    /// <param name="name">The arm's name.</param>
    /// <param name="schedule">The new schedule.</param>
    /// <param name="doseScale">The factor on each dose; positive.</param>
    /// <returns>The arm.</returns>
    public static TreatmentArm Rescheduled(Model model, string name, DoseSchedule schedule, double doseScale = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(schedule);
        if (model.Treatments.Count == 0)
        {
            throw new ArgumentException($"Model '{model.Name}' has no treatments to reschedule; use an untreated arm.", nameof(model));
        }
        if (!(doseScale > 0) || !double.IsFinite(doseScale))
        {
            throw new ArgumentException($"The dose scale of arm '{name}' must be positive and finite.", nameof(doseScale));
        }
        var treatments = model.Treatments.Select(t => t switch
        {
            Bolus b => (Treatment)new Bolus(b.Name, b.Target, doseScale == 1 ? b.Amount : b.Amount * doseScale, schedule),
            Infusion i => new Infusion(i.Name, i.Target, doseScale == 1 ? i.Rate : i.Rate * doseScale, i.Duration, schedule),
            _ => throw new NotSupportedException($"Treatment kind {t.GetType().Name} cannot be rescheduled."),
        }).ToList();
        return new(name, treatments, string.Join("; ", treatments));
    }

    /// <summary>
    /// Parses arms from text: <c>NAME=SCHEDULE</c> separated by <c>;</c>, where SCHEDULE is <c>none</c> (untreated),
    /// <c>model</c> (the model's own treatments), <c>every:INTERVALxCOUNT[+START]</c> or <c>at:T1/T2/...</c>, optionally
    /// followed by <c>*SCALE</c> to scale every dose. Example: <c>control=none;weekly=every:7x6;dense=every:3.5x12*0.5</c>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="specification">The text.</param>
    /// <returns>The arms, in order.</returns>
    /// <exception cref="FormatException">Malformed text; the message quotes the part and shows the form.</exception>
    public static IReadOnlyList<TreatmentArm> Parse(Model model, string specification)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(specification);
        const string Form = "NAME=SCHEDULE;... with SCHEDULE none, model, every:INTERVALxCOUNT[+START] or at:T1/T2/..., optionally followed by *SCALE (e.g. \"control=none;weekly=every:7x6;dense=every:3.5x12*0.5\")";
        var arms = new List<TreatmentArm>();
        foreach (var part in specification.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"Arm '{part}' is malformed: write {Form}.");
            }
            var name = part[..eq];
            var schedule = part[(eq + 1)..];
            var scale = 1.0;
            var star = schedule.IndexOf('*', StringComparison.Ordinal);
            if (star >= 0)
            {
                if (!TryNumber(schedule[(star + 1)..], out scale) || scale <= 0)
                {
                    throw new FormatException($"Arm '{part}': the dose scale '{schedule[(star + 1)..]}' is not a positive number; write {Form}.");
                }
                schedule = schedule[..star];
            }
            try
            {
                arms.Add(schedule switch
                {
                    "none" when star < 0 => Untreated(name),
                    "model" when scale == 1 => Standard(model, name),
                    "model" => Rescale(model, name, scale),
                    _ when schedule.StartsWith("every:", StringComparison.Ordinal) => Rescheduled(model, name, ParseEvery(schedule[6..], part, Form), scale),
                    _ when schedule.StartsWith("at:", StringComparison.Ordinal) => Rescheduled(model, name, ParseAt(schedule[3..], part, Form), scale),
                    _ => throw new FormatException($"Arm '{part}': unknown schedule '{schedule}'; write {Form}."),
                });
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"Arm '{part}': {e.Message}", e);
            }
        }
        if (arms.Count == 0)
        {
            throw new FormatException($"No arms given: write {Form}.");
        }
        var duplicate = arms.GroupBy(a => a.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new FormatException($"Arm '{duplicate.Key}' is given twice; give each arm a different name.");
        }
        return arms;
    }

    /// <summary>The arm as text.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Name}: {Description}";

    private static TreatmentArm Rescale(Model model, string name, double scale)
    {
        if (model.Treatments.Count == 0)
        {
            throw new ArgumentException($"Model '{model.Name}' has no treatments to scale.");
        }
        var treatments = model.Treatments.Select(t => t switch
        {
            Bolus b => (Treatment)new Bolus(b.Name, b.Target, b.Amount * scale, b.Schedule),
            Infusion i => new Infusion(i.Name, i.Target, i.Rate * scale, i.Duration, i.Schedule),
            _ => throw new NotSupportedException(t.GetType().Name),
        }).ToList();
        return new(name, treatments, string.Join("; ", treatments));
    }

    private static DoseSchedule ParseEvery(string text, string part, string form)
    {
        var start = 0.0;
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            if (!TryNumber(text[(plus + 1)..], out start) || start < 0)
            {
                throw new FormatException($"Arm '{part}': the start '{text[(plus + 1)..]}' is not a number of 0 or more; write {form}.");
            }
            text = text[..plus];
        }
        var x = text.IndexOf('x', StringComparison.Ordinal);
        if (x <= 0 || !TryNumber(text[..x], out var interval) || interval <= 0
            || !int.TryParse(text[(x + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            throw new FormatException($"Arm '{part}': '{text}' is not INTERVALxCOUNT with a positive interval and count; write {form}.");
        }
        return DoseSchedule.Every(interval, count, start);
    }

    private static DoseSchedule ParseAt(string text, string part, string form)
    {
        var times = new List<double>();
        foreach (var t in text.Split('/'))
        {
            if (!TryNumber(t, out var time) || time < 0)
            {
                throw new FormatException($"Arm '{part}': '{t}' is not a dose time of 0 or more; write {form}.");
            }
            times.Add(time);
        }
        return DoseSchedule.At([.. times]);
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}

/// <summary>One arm of a counterfactual simulation: the ensemble solution of every subject under the arm's treatments.</summary>
/// <param name="Arm">The arm.</param>
/// <param name="RunId">A content hash of the cohort, the arm's treatments, the time grid and the solver.</param>
/// <param name="Solution">The ensemble solution, one trajectory per subject in the cohort's order.</param>
public sealed record ArmRun(TreatmentArm Arm, string RunId, EnsembleSolution Solution)
{
    /// <summary>A state's or observable's trajectory for one subject, at <see cref="EnsembleSolution.Times"/>.</summary>
    /// <param name="subject">The subject's position in the cohort.</param>
    /// <param name="name">A state or observable of the model.</param>
    /// <returns>The values.</returns>
    public double[] Trajectory(int subject, string name)
    {
        var model = Solution.Model;
        if (model.States.Any(s => s.Name == name))
        {
            return Solution.State(subject, name);
        }
        var observable = model.Observables.ToList().FindIndex(o => o.Name == name);
        if (observable < 0)
        {
            throw new ArgumentException($"Model '{model.Name}' has no state or observable '{name}'; its states are {string.Join(", ", model.States.Select(s => s.Name))} and its observables {string.Join(", ", model.Observables.Select(o => o.Name))}.", nameof(name));
        }
        var states = model.States.Select(s => Solution.State(subject, s.Name)).ToArray();
        var parameters = Solution.Problem.Template.Parameters.ToArray();
        foreach (var column in Solution.Problem.Patients.Columns)
        {
            var k = model.Parameters.ToList().FindIndex(p => p.Name == column);
            if (k >= 0)
            {
                parameters[k] = Solution.Problem.Patients.Column(column)[subject];
            }
        }
        var row = new double[states.Length];
        var output = new double[model.Observables.Count];
        var values = new double[Solution.Times.Count];
        for (var j = 0; j < values.Length; j++)
        {
            for (var s = 0; s < row.Length; s++)
            {
                row[s] = states[s][j];
            }
            model.Compiled.Observables(Solution.Times[j], row, parameters, output);
            values[j] = output[observable];
        }
        return values;
    }
}

/// <summary>The same virtual subjects simulated under several treatment arms.</summary>
/// <param name="Cohort">The cohort.</param>
/// <param name="Runs">One run per arm, in the order the arms were given.</param>
public sealed record CounterfactualSimulation(VirtualCohort Cohort, IReadOnlyList<ArmRun> Runs)
{
    /// <summary>
    /// Simulates every subject of <paramref name="cohort"/> under each arm with the ensemble engine: one
    /// <see cref="OdeProblem"/> per arm (the arm's treatments replace the model's) over the subjects' parameter table.
    /// </summary>
    /// <param name="cohort">The cohort.</param>
    /// <param name="arms">The arms (distinct names).</param>
    /// <param name="timeSpan">Start and end time.</param>
    /// <param name="saveAt">The times at which trajectories are saved (a grid fine enough for the visits that observe them).</param>
    /// <param name="algorithm">The solver (<see cref="Tsit5"/> with relative tolerance 1e-6 by default).</param>
    /// <param name="options">Ensemble options (threads, block size); trajectories are always stored.</param>
    /// <returns>The runs.</returns>
    public static CounterfactualSimulation Run(VirtualCohort cohort, IReadOnlyList<TreatmentArm> arms, (double Start, double End) timeSpan,
        IReadOnlyList<double> saveAt, OdeAlgorithm? algorithm = null, EnsembleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(arms);
        ArgumentNullException.ThrowIfNull(saveAt);
        if (arms.Count == 0)
        {
            throw new ArgumentException("Give at least one arm.", nameof(arms));
        }
        if (arms.Select(a => a.Name).Distinct(StringComparer.Ordinal).Count() != arms.Count)
        {
            throw new ArgumentException("Two arms have the same name; give each arm a different name.", nameof(arms));
        }
        algorithm ??= new Tsit5 { RelTol = 1e-6 };
        var ensembleOptions = new EnsembleOptions
        {
            Threads = options?.Threads ?? Environment.ProcessorCount,
            BlockSize = options?.BlockSize ?? 1024,
            Backend = options?.Backend ?? EnsembleBackend.Simd,
            Precision = options?.Precision ?? EnsemblePrecision.DoublePrecision,
            StoreTrajectories = true,
            Reducers = options?.Reducers ?? [],
            Progress = options?.Progress,
        };
        var table = cohort.ToPatientTable();
        var runs = new List<ArmRun>();
        foreach (var arm in arms)
        {
            var problem = new OdeProblem(cohort.Model, timeSpan, saveAt, doses: arm.Treatments, includeModelTreatments: false);
            var solution = problem.Ensemble(table).Solve(algorithm, ensembleOptions);
            var runId = "R" + Identity.Hash(string.Join('|',
                [cohort.CohortId, arm.Name, arm.Description, timeSpan.Start.ToString("R", CultureInfo.InvariantCulture), timeSpan.End.ToString("R", CultureInfo.InvariantCulture),
                 string.Join(',', saveAt.Select(t => t.ToString("R", CultureInfo.InvariantCulture))), solution.Algorithm]))[..23];
            runs.Add(new ArmRun(arm, runId, solution));
        }
        return new CounterfactualSimulation(cohort, runs);
    }

    /// <summary>The run of an arm.</summary>
    /// <param name="arm">The arm's name.</param>
    /// <returns>The run.</returns>
    public ArmRun this[string arm] => Runs.FirstOrDefault(r => r.Arm.Name == arm)
        ?? throw new KeyNotFoundException($"No arm '{arm}'; the arms are {string.Join(", ", Runs.Select(r => r.Arm.Name))}.");
}
