using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TwinLab.Core.Randomness;

namespace TwinLab.Twins.Trials;

/// <summary>One virtual subject: baseline covariates, both potential outcomes (the endpoint under control and under
/// treatment, e.g. the change from baseline at the end of follow-up simulated by a model) and a subgroup label for
/// representation checks.</summary>
/// <param name="Covariates">Baseline covariates (what a prognostic model may use).</param>
/// <param name="ControlOutcome">The endpoint if given the control.</param>
/// <param name="TreatedOutcome">The endpoint if given the treatment.</param>
/// <param name="Subgroup">A subgroup label (e.g. sex or age band), or empty.</param>
/// <remarks>For a time-to-event endpoint the subject also carries <see cref="Events"/>: when the event (e.g. a state
/// crossing a threshold, or progression) happens under each arm, and when the subject drops out.</remarks>
public sealed record TrialSubject(IReadOnlyList<double> Covariates, double ControlOutcome, double TreatedOutcome, string Subgroup = "")
{
    /// <summary>Event and dropout times, for time-to-event endpoints; null when the population simulates none.</summary>
    public EventTimes? Events { get; init; }

    /// <summary>Early measurements under each arm (e.g. the change from baseline at the first visits), for
    /// identifying likely responders early (<see cref="EarlyResponderModel"/>); null when the population simulates none.</summary>
    public EarlyMeasurements? Early { get; init; }
}

/// <summary>A virtual subject's potential event times, measured from randomisation.</summary>
/// <param name="Control">When the event happens under control (<see cref="double.PositiveInfinity"/>: never).</param>
/// <param name="Treated">When the event happens under treatment (<see cref="double.PositiveInfinity"/>: never).</param>
/// <param name="Dropout">When the subject leaves the trial, whatever the arm (<see cref="double.PositiveInfinity"/>: never).</param>
public sealed record EventTimes(double Control, double Treated, double Dropout = double.PositiveInfinity)
{
    /// <summary>The first time a trajectory reaches a threshold, linearly interpolated between samples: the event
    /// "a state crossing a threshold" from a simulated trajectory.</summary>
    /// <param name="times">Increasing sample times.</param>
    /// <param name="values">The state at those times.</param>
    /// <param name="threshold">The threshold.</param>
    /// <param name="upwards">True: the event is the value rising to the threshold or above; false: falling to it or below.</param>
    /// <returns>The crossing time, the first sample time if the value is already past the threshold there, or
    /// <see cref="double.PositiveInfinity"/> when it never crosses within the samples.</returns>
    public static double FirstCrossing(IReadOnlyList<double> times, IReadOnlyList<double> values, double threshold, bool upwards = true)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(values);
        if (times.Count != values.Count || times.Count == 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Give one value per time and at least one sample ({times.Count} times, {values.Count} values)."));
        }
        bool Past(double v) => upwards ? v >= threshold : v <= threshold;
        if (Past(values[0]))
        {
            return times[0];
        }
        for (var k = 1; k < times.Count; k++)
        {
            if (!(times[k] > times[k - 1]))
            {
                throw new ArgumentException($"Sample times must increase; time {k} does not.", nameof(times));
            }
            if (Past(values[k]))
            {
                var f = (threshold - values[k - 1]) / (values[k] - values[k - 1]);
                return times[k - 1] + (f * (times[k] - times[k - 1]));
            }
        }
        return double.PositiveInfinity;
    }
}

/// <summary>Draws one virtual subject from a population, using only the given stream (so subjects are reproducible).</summary>
/// <param name="stream">The random stream to draw from.</param>
public delegate TrialSubject SubjectGenerator(ref RandomStream stream);

/// <summary>A two-arm parallel design with fixed arm sizes and complete randomisation among eligible subjects.</summary>
/// <param name="Control">Subjects randomised to control.</param>
/// <param name="Treatment">Subjects randomised to treatment.</param>
/// <param name="Alpha">The two-sided significance level.</param>
/// <param name="Eligibility">Who may enrol (screened subjects who fail are excluded and counted by subgroup); null: everyone.</param>
public sealed record TrialDesign(int Control, int Treatment, double Alpha = 0.05, Func<TrialSubject, bool>? Eligibility = null)
{
    internal void Validate()
    {
        if (Control < 2 || Treatment < 2)
        {
            throw new ArgumentException($"Each arm needs at least 2 subjects; got control {Control}, treatment {Treatment}.");
        }
        if (!(Alpha > 0 && Alpha < 1))
        {
            throw new ArgumentException("Alpha must lie in (0, 1).");
        }
    }
}

/// <summary>A linear prognostic model: the predicted control outcome b₀ + Σ bⱼ xⱼ from baseline covariates, trained by
/// least squares on historical controls (the PROCOVA prognostic score; any better predictor, e.g. a twin's forecast,
/// can be passed as a covariate and used with coefficients (0, 1)).</summary>
/// <param name="Coefficients">Intercept, then one coefficient per covariate.</param>
public sealed record PrognosticModel(IReadOnlyList<double> Coefficients)
{
    /// <summary>Trains the model on historical control subjects (their <see cref="TrialSubject.ControlOutcome"/>).</summary>
    /// <param name="historicalControls">At least one more subject than coefficients.</param>
    public static PrognosticModel Train(IReadOnlyList<TrialSubject> historicalControls)
    {
        ArgumentNullException.ThrowIfNull(historicalControls);
        if (historicalControls.Count == 0)
        {
            throw new ArgumentException("Give historical controls to train the prognostic model.", nameof(historicalControls));
        }
        var p = historicalControls[0].Covariates.Count + 1;
        if (historicalControls.Count <= p || historicalControls.Any(s => s.Covariates.Count != p - 1))
        {
            throw new ArgumentException($"Training needs more than {p} historical controls, each with {p - 1} covariates.", nameof(historicalControls));
        }
        var x = Matrix<double>.Build.Dense(historicalControls.Count, p, (i, j) => j == 0 ? 1 : historicalControls[i].Covariates[j - 1]);
        var y = Vector<double>.Build.Dense(historicalControls.Count, i => historicalControls[i].ControlOutcome);
        return new PrognosticModel([.. x.QR().Solve(y)]);
    }

    /// <summary>The predicted control outcome of a subject.</summary>
    /// <param name="subject">The subject.</param>
    public double Predict(TrialSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Covariates.Count != Coefficients.Count - 1)
        {
            throw new ArgumentException($"The subject has {subject.Covariates.Count} covariates; the model expects {Coefficients.Count - 1}.", nameof(subject));
        }
        var s = Coefficients[0];
        for (var j = 0; j < subject.Covariates.Count; j++)
        {
            s += Coefficients[j + 1] * subject.Covariates[j];
        }
        return s;
    }
}

/// <summary>How often simulated trials rejected the null hypothesis, unadjusted and with prognostic adjustment.</summary>
/// <param name="Trials">The number of simulated trials.</param>
/// <param name="UnadjustedRejectionRate">The share rejected by the two-sample t-test.</param>
/// <param name="AdjustedRejectionRate">The share rejected by the ANCOVA on the prognostic score (NaN without a model).</param>
/// <param name="UnadjustedInterval">The 95 % Clopper–Pearson interval of the unadjusted rate.</param>
/// <param name="AdjustedInterval">The 95 % Clopper–Pearson interval of the adjusted rate.</param>
/// <param name="MeanUnadjustedEstimate">The mean unadjusted effect estimate.</param>
/// <param name="MeanAdjustedEstimate">The mean adjusted effect estimate.</param>
/// <param name="ScreenedPerTrial">The mean number of subjects screened per trial.</param>
/// <param name="ExcludedBySubgroup">Subjects excluded by the eligibility criteria over all trials, by subgroup.</param>
/// <param name="ScreenedBySubgroup">Subjects screened over all trials, by subgroup.</param>
public sealed record TrialSimulationResult(int Trials, double UnadjustedRejectionRate, double AdjustedRejectionRate,
    (double Lower, double Upper) UnadjustedInterval, (double Lower, double Upper) AdjustedInterval,
    double MeanUnadjustedEstimate, double MeanAdjustedEstimate, double ScreenedPerTrial,
    IReadOnlyDictionary<string, long> ExcludedBySubgroup, IReadOnlyDictionary<string, long> ScreenedBySubgroup);

/// <summary>Simulation of many in-silico trials over a virtual population.</summary>
public static class InSilicoTrial
{
    /// <summary>The most subjects screened per enrolled subject before a trial gives up (eligibility too strict).</summary>
    public const int MaximumScreeningFactor = 1000;

    /// <summary>Draws subjects from a population (subject i from the stream (seed, purpose, i)).</summary>
    /// <param name="population">The population.</param>
    /// <param name="count">How many.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="purpose">The stream purpose (use different purposes for historical and trial subjects).</param>
    public static IReadOnlyList<TrialSubject> Draw(SubjectGenerator population, int count, ulong seed, string purpose = "trial.historical")
    {
        ArgumentNullException.ThrowIfNull(population);
        var result = new TrialSubject[count];
        for (var i = 0; i < count; i++)
        {
            var stream = RandomStream.For(seed, purpose, (ulong)i);
            result[i] = population(ref stream);
        }
        return result;
    }

    /// <summary>Runs <paramref name="trials"/> trials: each screens subjects from the population until the arms are
    /// full, randomises them to fixed arm sizes (a random permutation), and analyses the observed outcome (the control
    /// or treated potential outcome) with a two-sample t-test and, when a prognostic model is given, with an ANCOVA on
    /// its score. Trial t uses the stream (seed, "trial.simulation", t): results do not depend on the thread count.</summary>
    /// <param name="population">The virtual population.</param>
    /// <param name="design">The design.</param>
    /// <param name="prognostic">The prognostic model, or null.</param>
    /// <param name="trials">How many trials.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="threads">Worker threads.</param>
    public static TrialSimulationResult Simulate(SubjectGenerator population, TrialDesign design, PrognosticModel? prognostic,
        int trials, ulong seed, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(design);
        design.Validate();
        if (trials < 1)
        {
            throw new ArgumentException("Simulate at least one trial.", nameof(trials));
        }
        var n = design.Control + design.Treatment;
        var unadjusted = new TreatmentEffect[trials];
        var adjusted = new TreatmentEffect?[trials];
        var screened = new Dictionary<string, long>[trials];
        var excluded = new Dictionary<string, long>[trials];
        var screenedCount = new long[trials];
        ForEachTrial(trials, threads, t =>
        {
            var (enrolled, treated, seen, out_, count) = Enrol(population, design, t, seed);
            screenedCount[t] = count;
            var y = new double[n];
            for (var i = 0; i < n; i++)
            {
                y[i] = treated[i] ? enrolled[i].TreatedOutcome : enrolled[i].ControlOutcome;
            }
            unadjusted[t] = Ancova.Fit(y, treated);
            if (prognostic is not null)
            {
                adjusted[t] = Ancova.Fit(y, treated, enrolled.Select(prognostic.Predict).ToArray());
            }
            screened[t] = seen;
            excluded[t] = out_;
        });
        var rejectU = unadjusted.Count(e => e.PValue < design.Alpha);
        var rejectA = prognostic is null ? 0 : adjusted.Count(e => e!.PValue < design.Alpha);
        return new TrialSimulationResult(trials, (double)rejectU / trials, prognostic is null ? double.NaN : (double)rejectA / trials,
            ClopperPearson(rejectU, trials), prognostic is null ? (double.NaN, double.NaN) : ClopperPearson(rejectA, trials),
            unadjusted.Average(e => e.Estimate), prognostic is null ? double.NaN : adjusted.Average(e => e!.Estimate),
            screenedCount.Average(), Merge(excluded), Merge(screened));
    }

    /// <summary>Runs trial 0 … trials − 1 in parallel; a failing trial's own exception (bad input from the population,
    /// the eligibility criteria or the endpoint) is rethrown as it is rather than wrapped.</summary>
    internal static void ForEachTrial(int trials, int threads, Action<int> body)
    {
        try
        {
            Parallel.For(0, trials, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount }, body);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>Screens subjects for trial t until both arms are full and randomises them to fixed arm sizes (a
    /// Fisher–Yates permutation of the arm labels), all from the stream (seed, "trial.simulation", t).</summary>
    internal static (List<TrialSubject> Enrolled, bool[] Treated, Dictionary<string, long> Screened, Dictionary<string, long> Excluded, long Count)
        Enrol(SubjectGenerator population, TrialDesign design, int t, ulong seed)
    {
        var n = design.Control + design.Treatment;
        var stream = RandomStream.For(seed, "trial.simulation", (ulong)t);
        var enrolled = new List<TrialSubject>(n);
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        var excluded = new Dictionary<string, long>(StringComparer.Ordinal);
        long count = 0;
        while (enrolled.Count < n)
        {
            if (count >= (long)MaximumScreeningFactor * n)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Trial {t} screened {count} subjects and enrolled only {enrolled.Count} of {n}: the eligibility criteria exclude almost everyone."));
            }
            var subject = population(ref stream);
            count++;
            seen[subject.Subgroup] = seen.GetValueOrDefault(subject.Subgroup) + 1;
            if (design.Eligibility is { } eligible && !eligible(subject))
            {
                excluded[subject.Subgroup] = excluded.GetValueOrDefault(subject.Subgroup) + 1;
                continue;
            }
            enrolled.Add(subject);
        }
        var treated = new bool[n];
        for (var i = 0; i < design.Treatment; i++)
        {
            treated[i] = true;
        }
        for (var i = n - 1; i > 0; i--)
        {
            var j = (int)stream.NextUInt32((uint)(i + 1));
            (treated[i], treated[j]) = (treated[j], treated[i]);
        }
        return (enrolled, treated, seen, excluded, count);
    }

    /// <summary>The exact (Clopper–Pearson) 95 % interval of a binomial proportion.</summary>
    /// <param name="successes">Successes.</param>
    /// <param name="trials">Trials.</param>
    public static (double Lower, double Upper) ClopperPearson(int successes, int trials)
    {
        var lower = successes == 0 ? 0 : MathNet.Numerics.Distributions.Beta.InvCDF(successes, trials - successes + 1, 0.025);
        var upper = successes == trials ? 1 : MathNet.Numerics.Distributions.Beta.InvCDF(successes + 1, trials - successes, 0.975);
        return (lower, upper);
    }

    internal static SortedDictionary<string, long> Merge(Dictionary<string, long>[] parts)
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (k, v) in part)
            {
                result[k] = result.GetValueOrDefault(k) + v;
            }
        }
        return result;
    }
}

/// <summary>Simulation of many in-silico trials for any endpoint.</summary>
public static class EndpointTrial
{
    /// <summary>Runs <paramref name="trials"/> trials of a design with an endpoint: each screens and randomises subjects
    /// as <see cref="InSilicoTrial.Simulate"/> does (trial t from the stream (seed, "trial.simulation", t), so with the
    /// same seed every endpoint sees the same subjects and arms) and analyses the endpoint. Results do not depend on
    /// the thread count.</summary>
    /// <param name="population">The virtual population.</param>
    /// <param name="design">The design (arm sizes, α, eligibility).</param>
    /// <param name="endpoint">The endpoint and its analysis.</param>
    /// <param name="trials">How many trials.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="threads">Worker threads (0: all cores).</param>
    public static EndpointSimulationResult Simulate(SubjectGenerator population, TrialDesign design, Endpoint endpoint, int trials, ulong seed, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(endpoint);
        design.Validate();
        (endpoint as TimeToEventEndpoint)?.Validate();
        if (trials < 1)
        {
            throw new ArgumentException("Simulate at least one trial.", nameof(trials));
        }
        var analyses = new EndpointAnalysis[trials];
        var screened = new Dictionary<string, long>[trials];
        var excluded = new Dictionary<string, long>[trials];
        var screenedCount = new long[trials];
        InSilicoTrial.ForEachTrial(trials, threads, t =>
        {
            var (enrolled, treated, seen, out_, count) = InSilicoTrial.Enrol(population, design, t, seed);
            analyses[t] = endpoint.Analyse(enrolled, treated, seed, t);
            screenedCount[t] = count;
            screened[t] = seen;
            excluded[t] = out_;
        });
        int rejected = 0, undefined = 0;
        double estimate = 0, events = 0;
        foreach (var a in analyses)
        {
            rejected += a.PValue < design.Alpha ? 1 : 0;
            if (double.IsNaN(a.Estimate))
            {
                undefined++;
            }
            else
            {
                estimate += a.Estimate;
            }
            events += a.Events;
        }
        var meanEvents = events / trials;
        return new EndpointSimulationResult(endpoint.Description, trials, (double)rejected / trials, InSilicoTrial.ClopperPearson(rejected, trials),
            undefined == trials ? double.NaN : estimate / (trials - undefined), undefined, meanEvents,
            meanEvents / (design.Control + design.Treatment), screenedCount.Average(), InSilicoTrial.Merge(excluded), InSilicoTrial.Merge(screened));
    }
}
