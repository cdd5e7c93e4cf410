using System.Globalization;
using TwinLab.Core.Randomness;
using TwinLab.Synthetic.Cohorts;

namespace TwinLab.Synthetic.Observation;

/// <summary>What happened at a scheduled visit.</summary>
public enum ObservationStatus
{
    /// <summary>The subject was assessed; the value may be censored (see <see cref="ObservationRecord.Censored"/>).</summary>
    Observed,

    /// <summary>The visit was missed; the subject stays in the study.</summary>
    Missed,

    /// <summary>The subject had left the study before this visit.</summary>
    DroppedOut,

    /// <summary>The subject's simulation failed before this visit (its trajectory is not finite there); no value.</summary>
    SimulationFailed,
}

/// <summary>
/// One scheduled visit of one subject by one source. Every scheduled visit gives a record, whatever happened, so that
/// nothing is silently absent; the identity fields are enough to regenerate the value.
/// </summary>
/// <param name="RecordId">Unique: run, source, subject index and visit.</param>
/// <param name="SubjectId">The subject.</param>
/// <param name="SubjectIndex">The subject's index (entity of its random streams).</param>
/// <param name="ParameterSetId">The subject's parameter set.</param>
/// <param name="RunId">The simulation run (cohort and arm).</param>
/// <param name="CohortId">The cohort.</param>
/// <param name="Arm">The treatment arm.</param>
/// <param name="Source">The data source.</param>
/// <param name="ModelDigest">The model's digest.</param>
/// <param name="Seed">The seed of the cohort and of the observation streams.</param>
/// <param name="Visit">The visit number (0 = baseline).</param>
/// <param name="NominalTime">The scheduled time.</param>
/// <param name="Time">The actual time (with jitter), or null when not observed.</param>
/// <param name="Endpoint">The endpoint's name.</param>
/// <param name="Unit">The endpoint's unit.</param>
/// <param name="Value">The reported value, or null (not observed, or censored and reported as missing).</param>
/// <param name="Censored">Whether the value is below the lower limit of quantification.</param>
/// <param name="Lloq">The lower limit of quantification, or null.</param>
/// <param name="Status">What happened at the visit.</param>
/// <param name="TrueValue">The endpoint's true value at <see cref="Time"/> (synthetic data only), or null when not observed.</param>
public sealed record ObservationRecord(
    string RecordId, string SubjectId, long SubjectIndex, string ParameterSetId, string RunId, string CohortId, string Arm, string Source,
    string ModelDigest, ulong Seed, int Visit, double NominalTime, double? Time, string Endpoint, string Unit, double? Value, bool Censored,
    double? Lloq, ObservationStatus Status, double? TrueValue);

/// <summary>Counts of what an observation step produced.</summary>
/// <param name="Scheduled">Scheduled visits (records).</param>
/// <param name="Observed">Visits with an assessment.</param>
/// <param name="Censored">Assessments below the limit of quantification.</param>
/// <param name="Missed">Missed visits.</param>
/// <param name="DroppedOut">Visits after dropout.</param>
/// <param name="SubjectsDroppedOut">Subjects who left before their last visit.</param>
/// <param name="SimulationFailed">Visits whose true value is not finite because the subject's simulation failed.</param>
public sealed record ObservationSummary(int Scheduled, int Observed, int Censored, int Missed, int DroppedOut, int SubjectsDroppedOut, int SimulationFailed = 0)
{
    /// <summary>The summary as text.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Scheduled} scheduled visits: {Observed} observed ({Censored} censored), {Missed} missed, {DroppedOut} after dropout ({SubjectsDroppedOut} subjects dropped out){(SimulationFailed > 0 ? $", {SimulationFailed} without a value because the simulation failed" : "")}");
}

/// <summary>The records of one source observing one arm, with their summary.</summary>
/// <param name="Source">The source.</param>
/// <param name="Records">One record per scheduled visit per subject.</param>
/// <param name="Summary">The counts.</param>
public sealed record ObservedData(DataSource Source, IReadOnlyList<ObservationRecord> Records, ObservationSummary Summary);

/// <summary>
/// Observes simulated trajectories through a <see cref="DataSource"/>. Subject i's draws come from the stream
/// (cohort seed, "observation.SOURCE", subject index): the same subject gives the same observations whatever the arm
/// order, the cohort size or the thread count. At each visit after baseline the draws are, in order: the dropout
/// uniform, the missed-visit uniform, the jitter uniform, then one normal for the measurement error. The true value at
/// a jittered time is interpolated linearly between the saved times of the trajectory, so save on a grid finer than
/// the visits (the interpolation error is then of order Δt²·|x''|/8).
/// </summary>
public static class ObservationModel
{
    /// <summary>The purpose of the observation streams is this prefix followed by the source's name.</summary>
    public const string PurposePrefix = "observation.";

    /// <summary>Observes every subject of <paramref name="run"/>.</summary>
    /// <param name="cohort">The cohort the run simulated.</param>
    /// <param name="run">The arm's run.</param>
    /// <param name="source">The data source.</param>
    /// <returns>The records and their summary.</returns>
    /// <exception cref="ArgumentException">The source names an unknown variable, or a visit (with jitter) lies outside the saved times.</exception>
    public static ObservedData Observe(VirtualCohort cohort, ArmRun run, DataSource source)
    {
        ArgumentNullException.ThrowIfNull(cohort);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(source);
        source.Visits.Validate(source.Name);
        if (run.Solution.Count != cohort.Subjects.Count)
        {
            throw new ArgumentException($"Run {run.RunId} has {run.Solution.Count} trajectories but the cohort has {cohort.Subjects.Count} subjects: observe a run of this cohort.", nameof(run));
        }
        var times = run.Solution.Times;
        var visits = source.Visits;
        var first = visits.NominalTimes[0];
        var last = visits.NominalTimes[^1];
        if (times.Count == 0 || first < times[0] || last + visits.Jitter > times[^1] || (visits.NominalTimes.Count > 1 && visits.NominalTimes[1] - visits.Jitter < times[0]))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Source '{source.Name}': visits from {first} to {last} with jitter ±{visits.Jitter} reach outside the saved times [{(times.Count > 0 ? times[0] : double.NaN)}, {(times.Count > 0 ? times[^1] : double.NaN)}] of run {run.RunId}; simulate a longer span or shorten the schedule."), nameof(source));
        }
        var records = new List<ObservationRecord>(cohort.Subjects.Count * visits.NominalTimes.Count);
        int observed = 0, censored = 0, missed = 0, afterDropout = 0, dropouts = 0, failed = 0;
        var mnar = source.Dropout as MnarDropout;
        for (var i = 0; i < cohort.Subjects.Count; i++)
        {
            var subject = cohort.Subjects[i];
            var trajectory = run.Trajectory(i, source.Endpoint.Variable);
            var dropoutVariable = mnar is null ? null : mnar.Variable == source.Endpoint.Variable ? trajectory : run.Trajectory(i, mnar.Variable);
            var stream = RandomStream.For(cohort.Design.Seed, PurposePrefix + source.Name, (ulong)subject.Index);
            var dropped = false;
            double? lastObserved = null;
            for (var k = 0; k < visits.NominalTimes.Count; k++)
            {
                var nominal = visits.NominalTimes[k];
                var status = ObservationStatus.Observed;
                var time = nominal;
                if (k > 0 && !dropped)
                {
                    var uDropout = stream.NextDouble();
                    var uMiss = stream.NextDouble();
                    var uJitter = stream.NextDouble();
                    var hazard = source.Dropout switch
                    {
                        McarDropout m => m.Hazard,
                        MarDropout m => lastObserved is { } previous ? DropoutModel.Logistic(m.Intercept + (m.Slope * previous)) : DropoutModel.Logistic(m.Intercept),
                        MnarDropout m => DropoutModel.Logistic(m.Intercept + (m.Slope * Interpolate(times, dropoutVariable!, nominal))),
                        _ => 0.0,
                    };
                    if (uDropout < hazard)
                    {
                        dropped = true;
                        dropouts++;
                    }
                    else if (uMiss < visits.MissProbability)
                    {
                        status = ObservationStatus.Missed;
                    }
                    time = nominal + (visits.Jitter * ((2 * uJitter) - 1));
                }
                if (dropped)
                {
                    status = ObservationStatus.DroppedOut;
                }
                var recordId = string.Create(CultureInfo.InvariantCulture, $"{run.RunId}:{source.Name}:{subject.Index}:{k}");
                if (status != ObservationStatus.Observed)
                {
                    if (status == ObservationStatus.Missed)
                    {
                        missed++;
                    }
                    else
                    {
                        afterDropout++;
                    }
                    records.Add(new ObservationRecord(recordId, subject.SubjectId, subject.Index, subject.ParameterSetId, run.RunId, cohort.CohortId, run.Arm.Name,
                        source.Name, cohort.Model.Digest, cohort.Design.Seed, k, nominal, null, source.Endpoint.Name, source.Endpoint.Unit, null, false, source.Lloq, status, null));
                    continue;
                }
                var truth = source.Endpoint.Evaluate(Interpolate(times, trajectory, time));
                var y = source.Error.Observe(truth, ref stream);
                if (!double.IsFinite(truth))
                {
                    failed++;
                    records.Add(new ObservationRecord(recordId, subject.SubjectId, subject.Index, subject.ParameterSetId, run.RunId, cohort.CohortId, run.Arm.Name,
                        source.Name, cohort.Model.Digest, cohort.Design.Seed, k, nominal, time, source.Endpoint.Name, source.Endpoint.Unit, null, false, source.Lloq,
                        ObservationStatus.SimulationFailed, null));
                    continue;
                }
                var isCensored = source.Lloq is { } limit && y < limit;
                double? value = isCensored ? (source.Censored == CensoredValue.Limit ? source.Lloq : null) : y;
                if (value is { } v)
                {
                    lastObserved = v;
                }
                observed++;
                if (isCensored)
                {
                    censored++;
                }
                records.Add(new ObservationRecord(recordId, subject.SubjectId, subject.Index, subject.ParameterSetId, run.RunId, cohort.CohortId, run.Arm.Name,
                    source.Name, cohort.Model.Digest, cohort.Design.Seed, k, nominal, time, source.Endpoint.Name, source.Endpoint.Unit, value, isCensored, source.Lloq,
                    ObservationStatus.Observed, truth));
            }
        }
        return new ObservedData(source, records, new ObservationSummary(records.Count, observed, censored, missed, afterDropout, dropouts, failed));
    }

    /// <summary>Linear interpolation of <paramref name="values"/> saved at <paramref name="times"/> (increasing) at <paramref name="t"/>.</summary>
    /// <param name="times">The saved times.</param>
    /// <param name="values">The values.</param>
    /// <param name="t">A time within the saved times.</param>
    /// <returns>The interpolated value.</returns>
    public static double Interpolate(IReadOnlyList<double> times, IReadOnlyList<double> values, double t)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(values);
        int lo = 0, hi = times.Count - 1;
        if (t <= times[0])
        {
            return values[0];
        }
        if (t >= times[hi])
        {
            return values[hi];
        }
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (times[mid] <= t)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        var w = (t - times[lo]) / (times[hi] - times[lo]);
        return values[lo] + (w * (values[hi] - values[lo]));
    }
}
