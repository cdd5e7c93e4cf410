using System.Globalization;

namespace TwinLab.Synthetic.Observation;

/// <summary>How an endpoint is computed from a model variable x (a state or observable, in the model's unit).</summary>
public enum EndpointTransform
{
    /// <summary>y = Factor·x (the same quantity, possibly in another unit).</summary>
    Linear,

    /// <summary>y = Factor·(6x/π)^(1/3): the diameter of a sphere of volume x (e.g. a tumour diameter from its volume).</summary>
    SphereDiameter,
}

/// <summary>What a data source reports: a named quantity in a unit, computed from a model variable.</summary>
/// <param name="Name">The endpoint's name, e.g. <c>tumour_volume</c>.</param>
/// <param name="Variable">The model state or observable it measures.</param>
/// <param name="Unit">The unit it is reported in.</param>
/// <param name="Transform">How it is computed from the variable.</param>
/// <param name="Factor">The factor of the transform (unit conversion).</param>
public sealed record Endpoint(string Name, string Variable, string Unit, EndpointTransform Transform = EndpointTransform.Linear, double Factor = 1)
{
    /// <summary>The endpoint's value for a model value x.</summary>
    /// <param name="x">The model variable's value.</param>
    /// <returns>The endpoint's true value.</returns>
    public double Evaluate(double x) => Transform switch
    {
        EndpointTransform.SphereDiameter => Factor * Math.Cbrt(6 * x / Math.PI),
        _ => Factor * x,
    };

    /// <summary>The endpoint as text.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Transform == EndpointTransform.Linear
        ? string.Create(CultureInfo.InvariantCulture, $"{Name} [{Unit}] = {Factor}·{Variable}")
        : string.Create(CultureInfo.InvariantCulture, $"{Name} [{Unit}] = {Factor}·(6·{Variable}/π)^(1/3)");
}

/// <summary>
/// When subjects are assessed: nominal visit times (visit 0 is baseline), a uniform jitter of ±<see cref="Jitter"/> on
/// every visit after baseline, and a probability that a visit after baseline is missed.
/// </summary>
/// <param name="NominalTimes">Nominal visit times, increasing.</param>
/// <param name="Jitter">The half-width of the uniform jitter of visits after baseline; 0 or more.</param>
/// <param name="MissProbability">The probability that a visit after baseline is missed (independently); in [0, 1).</param>
public sealed record VisitSchedule(IReadOnlyList<double> NominalTimes, double Jitter = 0, double MissProbability = 0)
{
    /// <summary>Visits every <paramref name="interval"/> from <paramref name="start"/> to <paramref name="end"/> inclusive.</summary>
    /// <param name="start">Baseline.</param>
    /// <param name="end">The last visit (at most).</param>
    /// <param name="interval">The interval.</param>
    /// <param name="jitter">Jitter half-width.</param>
    /// <param name="missProbability">The probability of a missed visit.</param>
    /// <returns>The schedule.</returns>
    public static VisitSchedule Every(double start, double end, double interval, double jitter = 0, double missProbability = 0)
    {
        if (!(interval > 0) || !double.IsFinite(interval) || !double.IsFinite(start) || !(end >= start))
        {
            throw new ArgumentException("A visit schedule needs a positive interval and start ≤ end.", nameof(interval));
        }
        var count = (int)Math.Floor(((end - start) / interval) + 1e-9) + 1;
        return new VisitSchedule([.. Enumerable.Range(0, count).Select(i => start + (i * interval))], jitter, missProbability);
    }

    internal void Validate(string source)
    {
        if (NominalTimes is null || NominalTimes.Count == 0)
        {
            throw new ArgumentException($"Source '{source}': the visit schedule has no visits.");
        }
        for (var i = 0; i < NominalTimes.Count; i++)
        {
            if (!double.IsFinite(NominalTimes[i]) || (i > 0 && NominalTimes[i] <= NominalTimes[i - 1]))
            {
                throw new ArgumentException($"Source '{source}': visit times must be finite and increasing (visit {i}).");
            }
        }
        if (!(Jitter >= 0) || !double.IsFinite(Jitter))
        {
            throw new ArgumentException($"Source '{source}': the jitter must be finite and 0 or more.");
        }
        if (!(MissProbability >= 0 && MissProbability < 1))
        {
            throw new ArgumentException($"Source '{source}': the probability of a missed visit must lie in [0, 1).");
        }
    }
}

/// <summary>What a censored value (below the lower limit of quantification) is reported as.</summary>
public enum CensoredValue
{
    /// <summary>The limit itself (flagged as censored).</summary>
    Limit,

    /// <summary>No value (null, flagged as censored).</summary>
    Missing,
}

/// <summary>
/// Dropout: before each visit after baseline, a subject still in the study leaves with hazard hₖ; later visits are
/// recorded as <see cref="ObservationStatus.DroppedOut"/>. hₖ is a constant (<see cref="Mcar"/>), a logistic function of
/// the last observed value (<see cref="Mar"/>: logit hₖ = α + β·y_last), or a logistic function of the unobserved true
/// value of a model variable at the visit (<see cref="Mnar"/>: logit hₖ = α + β·x(tₖ)).
/// </summary>
public abstract record DropoutModel
{
    private protected DropoutModel()
    {
    }

    /// <summary>No dropout.</summary>
    public static DropoutModel None { get; } = new NoDropout();

    /// <summary>Missing completely at random: a constant hazard per visit.</summary>
    /// <param name="hazard">The probability of leaving before each visit after baseline, in [0, 1].</param>
    /// <returns>The model.</returns>
    public static DropoutModel Mcar(double hazard) => hazard is >= 0 and <= 1
        ? new McarDropout(hazard)
        : throw new ArgumentOutOfRangeException(nameof(hazard), hazard, "The dropout hazard must lie in [0, 1].");

    /// <summary>Missing at random: logit hₖ = intercept + slope·(the last observed value of the endpoint).</summary>
    /// <param name="intercept">α.</param>
    /// <param name="slope">β, per unit of the endpoint.</param>
    /// <returns>The model.</returns>
    public static DropoutModel Mar(double intercept, double slope) => double.IsFinite(intercept) && double.IsFinite(slope)
        ? new MarDropout(intercept, slope)
        : throw new ArgumentException("The intercept and slope of a dropout model must be finite.", nameof(slope));

    /// <summary>Missing not at random: logit hₖ = intercept + slope·x(tₖ), x a model variable's true value at the visit.</summary>
    /// <param name="variable">A state or observable of the model.</param>
    /// <param name="intercept">α.</param>
    /// <param name="slope">β, per unit of the variable.</param>
    /// <returns>The model.</returns>
    public static DropoutModel Mnar(string variable, double intercept, double slope) => double.IsFinite(intercept) && double.IsFinite(slope)
        ? new MnarDropout(variable ?? throw new ArgumentNullException(nameof(variable)), intercept, slope)
        : throw new ArgumentException("The intercept and slope of a dropout model must be finite.", nameof(slope));

    /// <summary>The logistic function 1 / (1 + e^(−z)).</summary>
    /// <param name="z">The linear predictor.</param>
    /// <returns>The probability.</returns>
    public static double Logistic(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}

/// <summary>No dropout.</summary>
public sealed record NoDropout : DropoutModel;

/// <summary>A constant hazard per visit.</summary>
/// <param name="Hazard">The hazard.</param>
public sealed record McarDropout(double Hazard) : DropoutModel;

/// <summary>logit h = Intercept + Slope·(last observed value).</summary>
/// <param name="Intercept">α.</param>
/// <param name="Slope">β.</param>
public sealed record MarDropout(double Intercept, double Slope) : DropoutModel;

/// <summary>logit h = Intercept + Slope·x(t), x a model variable's true value.</summary>
/// <param name="Variable">The model variable.</param>
/// <param name="Intercept">α.</param>
/// <param name="Slope">β.</param>
public sealed record MnarDropout(string Variable, double Intercept, double Slope) : DropoutModel;

/// <summary>
/// A data source: a study, registry or device that observes the cohort with its own endpoint definition, visit
/// schedule, measurement error, lower limit of quantification and dropout.
/// </summary>
/// <param name="Name">The source's name (recorded with every observation).</param>
/// <param name="Endpoint">What it reports.</param>
/// <param name="Visits">When it assesses subjects.</param>
/// <param name="Error">Its measurement error (on the endpoint's scale).</param>
public sealed record DataSource(string Name, Endpoint Endpoint, VisitSchedule Visits, ResidualError Error)
{
    /// <summary>The lower limit of quantification (on the endpoint's scale), or null for none.</summary>
    public double? Lloq { get; init; }

    /// <summary>What a censored value is reported as.</summary>
    public CensoredValue Censored { get; init; } = CensoredValue.Limit;

    /// <summary>Dropout.</summary>
    public DropoutModel Dropout { get; init; } = DropoutModel.None;
}
