using System.Globalization;
using TwinLab.Core.Randomness;

namespace TwinLab.Twins.Trials;

/// <summary>What a trial measures and how it is analysed. <see cref="ChangeFromBaseline"/> compares means,
/// <see cref="ResponderEndpoint"/> compares proportions of responders, <see cref="TimeToEventEndpoint"/> compares
/// survival by the log-rank test.</summary>
public abstract record Endpoint
{
    private protected Endpoint()
    {
    }

    /// <summary>A short description for tables and charts.</summary>
    public abstract string Description { get; }

    /// <summary>Analyses trial <paramref name="trial"/> of a simulation with <paramref name="seed"/>: the enrolled
    /// subjects (in order of enrolment) and their arms. An endpoint that needs randomness of its own (entry times under
    /// staggered accrual) draws it from a stream keyed by the seed and the trial.</summary>
    internal abstract EndpointAnalysis Analyse(IReadOnlyList<TrialSubject> enrolled, bool[] treated, ulong seed, int trial);
}

/// <summary>The analysis of one simulated trial: the effect estimate, its p-value and the number of events (time to
/// event) or responders (responder endpoint), NaN for a continuous endpoint.</summary>
internal readonly record struct EndpointAnalysis(double Estimate, double PValue, double Events);

/// <summary>The continuous endpoint (the observed potential outcome, e.g. the change from baseline at the end of
/// follow-up), analysed by the pooled two-sample t-test (<see cref="Ancova.Fit"/> with no covariate).</summary>
public sealed record ChangeFromBaseline : Endpoint
{
    /// <inheritdoc />
    public override string Description => "change from baseline (t-test)";

    internal override EndpointAnalysis Analyse(IReadOnlyList<TrialSubject> enrolled, bool[] treated, ulong seed, int trial)
    {
        var y = new double[enrolled.Count];
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = treated[i] ? enrolled[i].TreatedOutcome : enrolled[i].ControlOutcome;
        }
        var fit = Ancova.Fit(y, treated);
        return new EndpointAnalysis(fit.Estimate, fit.PValue, double.NaN);
    }
}

/// <summary>A binary endpoint: a subject responds when the observed potential outcome (e.g. the change from baseline)
/// lies strictly below <paramref name="Threshold"/> (or strictly above it when <paramref name="Below"/> is false);
/// analysed by the two-proportion chi-square test (<see cref="Proportions.Compare"/>). The estimate is the difference
/// in response proportions, treated minus control.</summary>
/// <param name="Threshold">The response threshold.</param>
/// <param name="Below">True: response means below the threshold; false: above it.</param>
public sealed record ResponderEndpoint(double Threshold, bool Below = true) : Endpoint
{
    /// <inheritdoc />
    public override string Description => string.Create(CultureInfo.InvariantCulture, $"responder: outcome {(Below ? "<" : ">")} {Threshold:G4} (chi-square)");

    /// <summary>Whether an outcome counts as a response.</summary>
    /// <param name="outcome">The outcome.</param>
    public bool Responds(double outcome) => Below ? outcome < Threshold : outcome > Threshold;

    internal override EndpointAnalysis Analyse(IReadOnlyList<TrialSubject> enrolled, bool[] treated, ulong seed, int trial)
    {
        int rt = 0, nt = 0, rc = 0, nc = 0;
        for (var i = 0; i < treated.Length; i++)
        {
            var y = treated[i] ? enrolled[i].TreatedOutcome : enrolled[i].ControlOutcome;
            if (!double.IsFinite(y))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Enrolled subject {i} has a non-finite outcome; the population must not generate such subjects (exclude them by eligibility, which counts them)."));
            }
            var r = Responds(y) ? 1 : 0;
            if (treated[i])
            {
                nt++;
                rt += r;
            }
            else
            {
                nc++;
                rc += r;
            }
        }
        var c = Proportions.Compare(rt, nt, rc, nc);
        return new EndpointAnalysis(c.Difference, c.PValue, rt + rc);
    }
}

/// <summary>A time-to-event endpoint. Subjects enter the trial uniformly over an accrual period
/// <paramref name="Accrual"/> (0: all at once) and are analysed at calendar time <paramref name="Accrual"/> +
/// <paramref name="FollowUp"/>, so a subject entering at time e is followed for <paramref name="Accrual"/> +
/// <paramref name="FollowUp"/> − e (administrative censoring; <paramref name="FollowUp"/> is the minimum follow-up, that
/// of the last subject) unless it drops out first (censoring at <see cref="EventTimes.Dropout"/>, measured from its
/// entry). The event is observed when its time (<see cref="EventTimes.Control"/> or <see cref="EventTimes.Treated"/>)
/// comes no later than both. Analysed by the log-rank test; the estimate is the Peto log hazard ratio, treated over
/// control.</summary>
/// <param name="FollowUp">The follow-up after the last entry, in the population's time unit (positive).</param>
/// <param name="Accrual">The accrual period over which subjects enter uniformly (non-negative; 0: every subject is
/// followed for exactly <paramref name="FollowUp"/>).</param>
/// <remarks>Under accrual, trial t draws one uniform entry time per enrolled subject from the stream
/// (seed, "trial.accrual", t), sorts them and gives them to the subjects in order of enrolment; the subjects and arms
/// are those of every other endpoint with the same seed, and <paramref name="Accrual"/> = 0 reproduces fixed follow-up
/// exactly.</remarks>
public sealed record TimeToEventEndpoint(double FollowUp, double Accrual = 0) : Endpoint
{
    /// <summary>The stream purpose of the entry times under staggered accrual.</summary>
    public const string AccrualPurpose = "trial.accrual";

    /// <inheritdoc />
    public override string Description => Accrual > 0
        ? string.Create(CultureInfo.InvariantCulture, $"time to event, accrual {Accrual} + follow-up {FollowUp} (log-rank)")
        : string.Create(CultureInfo.InvariantCulture, $"time to event, follow-up {FollowUp} (log-rank)");

    /// <summary>The observed time and event flag of a subject in an arm, for a subject followed for the whole
    /// <see cref="Accrual"/> + <see cref="FollowUp"/> (the first to enter; with no accrual, every subject).</summary>
    /// <param name="subject">The subject (with <see cref="TrialSubject.Events"/>).</param>
    /// <param name="treated">Its arm.</param>
    public (double Time, bool Event) Observe(TrialSubject subject, bool treated) => Observe(subject, treated, 0);

    /// <summary>The observed time (from entry) and event flag of a subject in an arm that entered the trial at calendar
    /// time <paramref name="entry"/>: followed for <see cref="Accrual"/> + <see cref="FollowUp"/> − entry.</summary>
    /// <param name="subject">The subject (with <see cref="TrialSubject.Events"/>).</param>
    /// <param name="treated">Its arm.</param>
    /// <param name="entry">The entry time, in [0, <see cref="Accrual"/>].</param>
    public (double Time, bool Event) Observe(TrialSubject subject, bool treated, double entry)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (!(entry >= 0 && entry <= Accrual))
        {
            throw new ArgumentOutOfRangeException(nameof(entry), entry, string.Create(CultureInfo.InvariantCulture,
                $"A subject enters during the accrual period [0, {Accrual}]."));
        }
        var e = subject.Events ?? throw new ArgumentException(
            "The subject has no event times: a time-to-event endpoint needs a population that sets TrialSubject.Events.", nameof(subject));
        var eventTime = treated ? e.Treated : e.Control;
        if (!(eventTime >= 0) || !(e.Dropout >= 0))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Event times must be non-negative (or +∞ for never): event {eventTime}, dropout {e.Dropout}."), nameof(subject));
        }
        var administrative = (Accrual - entry) + FollowUp;
        var censor = Math.Min(administrative, e.Dropout);
        return eventTime <= censor ? (eventTime, true) : (censor, false);
    }

    /// <summary>The entry times of trial <paramref name="trial"/>'s <paramref name="count"/> subjects in order of
    /// enrolment: sorted uniforms on [0, <see cref="Accrual"/>] from the stream (seed, "trial.accrual", trial); all 0
    /// without accrual.</summary>
    /// <param name="count">Enrolled subjects.</param>
    /// <param name="seed">The simulation's seed.</param>
    /// <param name="trial">The trial index.</param>
    public double[] EntryTimes(int count, ulong seed, int trial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var entries = new double[count];
        if (Accrual > 0)
        {
            var stream = RandomStream.For(seed, AccrualPurpose, (ulong)trial);
            for (var i = 0; i < count; i++)
            {
                entries[i] = Accrual * stream.NextDouble();
            }
            Array.Sort(entries);
        }
        return entries;
    }

    internal void Validate()
    {
        if (!(FollowUp > 0) || !double.IsFinite(FollowUp))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The follow-up must be positive and finite; got {FollowUp}."));
        }
        if (!(Accrual >= 0) || !double.IsFinite(Accrual))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The accrual period must be non-negative and finite; got {Accrual}."));
        }
    }

    internal override EndpointAnalysis Analyse(IReadOnlyList<TrialSubject> enrolled, bool[] treated, ulong seed, int trial)
    {
        var entries = EntryTimes(treated.Length, seed, trial);
        var times = new double[treated.Length];
        var events = new bool[treated.Length];
        for (var i = 0; i < treated.Length; i++)
        {
            (times[i], events[i]) = Observe(enrolled[i], treated[i], entries[i]);
        }
        var r = LogRank.Test(times, events, treated);
        return new EndpointAnalysis(r.LogHazardRatio, r.PValue, r.Events);
    }
}

/// <summary>How often simulated trials of one endpoint rejected the null hypothesis.</summary>
/// <param name="Endpoint">The endpoint's description.</param>
/// <param name="Trials">The number of simulated trials.</param>
/// <param name="RejectionRate">The share of trials with p &lt; α (the power, or the type-I error under the null).</param>
/// <param name="Interval">Its 95 % Clopper–Pearson interval.</param>
/// <param name="MeanEstimate">The mean effect estimate over trials whose estimate is defined (difference in means,
/// difference in proportions, or Peto log hazard ratio).</param>
/// <param name="UndefinedEstimates">Trials whose estimate is undefined (no event at all) and not in the mean.</param>
/// <param name="MeanEvents">Mean events (time to event) or responders (responder) per trial; NaN for a continuous endpoint.</param>
/// <param name="EventShare">Mean events or responders per enrolled subject.</param>
/// <param name="ScreenedPerTrial">The mean number of subjects screened per trial.</param>
/// <param name="ExcludedBySubgroup">Subjects excluded by the eligibility criteria over all trials, by subgroup.</param>
/// <param name="ScreenedBySubgroup">Subjects screened over all trials, by subgroup.</param>
public sealed record EndpointSimulationResult(string Endpoint, int Trials, double RejectionRate, (double Lower, double Upper) Interval,
    double MeanEstimate, int UndefinedEstimates, double MeanEvents, double EventShare, double ScreenedPerTrial,
    IReadOnlyDictionary<string, long> ExcludedBySubgroup, IReadOnlyDictionary<string, long> ScreenedBySubgroup);
