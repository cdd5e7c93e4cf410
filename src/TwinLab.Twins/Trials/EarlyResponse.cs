using System.Globalization;
using TwinLab.Synthetic.Evaluation;
using TwinLab.Twins.Validation;

namespace TwinLab.Twins.Trials;

/// <summary>A subject's early measurements under each arm at the same visit times (e.g. the tumour's change from
/// baseline at weeks 6 and 12). Measurements taken after randomisation differ between the arms; measurements of a
/// run-in period before randomisation are the same under both (give the same values twice) and are then known at
/// screening.</summary>
/// <param name="Times">The visit times, increasing.</param>
/// <param name="Control">The measurements if given the control, one per visit.</param>
/// <param name="Treated">The measurements if given the treatment, one per visit.</param>
public sealed record EarlyMeasurements(IReadOnlyList<double> Times, IReadOnlyList<double> Control, IReadOnlyList<double> Treated)
{
    /// <summary>The measurements under one arm.</summary>
    /// <param name="treated">True: the treatment arm.</param>
    public IReadOnlyList<double> Under(bool treated) => treated ? Treated : Control;

    /// <summary>Whether the measurements do not depend on the arm (a run-in before randomisation), so that they are
    /// known when a subject is screened.</summary>
    public bool KnownAtScreening => Control.SequenceEqual(Treated);
}

/// <summary>What an <see cref="EarlyResponderModel"/> predicts from, and how strongly it is penalised.</summary>
public sealed record EarlyResponderOptions
{
    /// <summary>Whether the baseline covariates are features (default true).</summary>
    public bool UseCovariates { get; init; } = true;

    /// <summary>How many of the first early visits are features (default 2; 0: baseline covariates only, which are
    /// known at screening).</summary>
    public int Visits { get; init; } = 2;

    /// <summary>The arm whose response is predicted and whose early measurements are used (default true: the
    /// treatment arm).</summary>
    public bool TreatedArm { get; init; } = true;

    /// <summary>The inverse ridge strength C of the penalised fit, which minimises C Σ log-loss + ½‖w‖² on standardised
    /// features with the intercept unpenalised (scikit-learn's LogisticRegression(C)); default 1.</summary>
    public double InverseRegularization { get; init; } = 1;
}

/// <summary>Early identification of likely responders: a ridge-penalised logistic regression of the final responder
/// status (a <see cref="ResponderEndpoint"/> applied to a subject's outcome in one arm) on baseline covariates and the
/// first early measurements, trained on simulated subjects. Features are standardised with the training subjects'
/// means and standard deviations (divisor n) before the fit, so the penalty treats them alike.</summary>
/// <remarks>Use <see cref="Evaluate"/> on held-out subjects for discrimination and calibration, and
/// <see cref="Criterion"/> to enrol only subjects predicted likely to respond.</remarks>
public sealed class EarlyResponderModel
{
    private EarlyResponderModel(ResponderEndpoint endpoint, EarlyResponderOptions options, IReadOnlyList<string> featureNames,
        IReadOnlyList<double> visitTimes, IReadOnlyList<double> means, IReadOnlyList<double> scales, IReadOnlyList<double> coefficients,
        double intercept, int trainingCount, int trainingResponders, int iterations)
    {
        Endpoint = endpoint;
        Options = options;
        FeatureNames = featureNames;
        VisitTimes = visitTimes;
        FeatureMeans = means;
        FeatureScales = scales;
        Coefficients = coefficients;
        Intercept = intercept;
        TrainingCount = trainingCount;
        TrainingResponders = trainingResponders;
        Iterations = iterations;
    }

    /// <summary>The endpoint that defines a responder.</summary>
    public ResponderEndpoint Endpoint { get; }

    /// <summary>The options it was fitted with.</summary>
    public EarlyResponderOptions Options { get; }

    /// <summary>The features in order: "covariate 1", …, then "visit at t" per early visit.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The early visit times used (empty when <see cref="EarlyResponderOptions.Visits"/> is 0).</summary>
    public IReadOnlyList<double> VisitTimes { get; }

    /// <summary>The training means of the features.</summary>
    public IReadOnlyList<double> FeatureMeans { get; }

    /// <summary>The training standard deviations (divisor n) of the features.</summary>
    public IReadOnlyList<double> FeatureScales { get; }

    /// <summary>The coefficients of the standardised features.</summary>
    public IReadOnlyList<double> Coefficients { get; }

    /// <summary>The intercept (the log-odds of a subject at the training means).</summary>
    public double Intercept { get; }

    /// <summary>Training subjects.</summary>
    public int TrainingCount { get; }

    /// <summary>Responders among them.</summary>
    public int TrainingResponders { get; }

    /// <summary>Newton iterations of the fit.</summary>
    public int Iterations { get; }

    /// <summary>Fits the model on simulated subjects.</summary>
    /// <param name="training">Subjects with their outcomes (and <see cref="TrialSubject.Early"/> when visits are used);
    /// both responders and non-responders must occur.</param>
    /// <param name="endpoint">What counts as a response.</param>
    /// <param name="options">Features and penalty; defaults when null.</param>
    public static EarlyResponderModel Fit(IReadOnlyList<TrialSubject> training, ResponderEndpoint endpoint, EarlyResponderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new EarlyResponderOptions();
        if (options.Visits < 0 || (!options.UseCovariates && options.Visits == 0))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Use the covariates, at least one early visit, or both (visits {options.Visits}, covariates {options.UseCovariates})."), nameof(options));
        }
        if (!(options.InverseRegularization > 0) || !double.IsFinite(options.InverseRegularization))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The inverse regularisation C must be positive and finite; got {options.InverseRegularization}."), nameof(options));
        }
        if (training.Count < 2)
        {
            throw new ArgumentException("Give at least two training subjects.", nameof(training));
        }
        var covariates = options.UseCovariates ? training[0].Covariates.Count : 0;
        IReadOnlyList<double> times = [];
        if (options.Visits > 0)
        {
            var early = training[0].Early ?? throw new ArgumentException(
                "Training subject 0 has no early measurements: set TrialSubject.Early in the population, or use Visits = 0.", nameof(training));
            if (early.Times.Count < options.Visits)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The subjects have {early.Times.Count} early visits; the options ask for {options.Visits}."), nameof(options));
            }
            times = Array.AsReadOnly(early.Times.Take(options.Visits).ToArray());
        }
        var names = new List<string>();
        for (var j = 0; j < covariates; j++)
        {
            names.Add(string.Create(CultureInfo.InvariantCulture, $"covariate {j + 1}"));
        }
        names.AddRange(times.Select(t => string.Create(CultureInfo.InvariantCulture, $"visit at {t:G6}")));
        var p = names.Count;
        var n = training.Count;
        var raw = new double[n * p];
        var positive = new bool[n];
        for (var i = 0; i < n; i++)
        {
            Features(training[i], i, options, covariates, times, raw.AsSpan(i * p, p));
            var outcome = options.TreatedArm ? training[i].TreatedOutcome : training[i].ControlOutcome;
            if (!double.IsFinite(outcome))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Training subject {i} has a non-finite outcome."), nameof(training));
            }
            positive[i] = endpoint.Responds(outcome);
        }
        var responders = positive.Count(r => r);
        if (responders == 0 || responders == n)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"All {n} training subjects are {(responders == 0 ? "non-responders" : "responders")}; the model needs both. Change the threshold or train on more subjects."), nameof(training));
        }
        var means = new double[p];
        var scales = new double[p];
        for (var j = 0; j < p; j++)
        {
            var m = 0.0;
            for (var i = 0; i < n; i++)
            {
                m += raw[(i * p) + j];
            }
            m /= n;
            var v = 0.0;
            for (var i = 0; i < n; i++)
            {
                var d = raw[(i * p) + j] - m;
                v += d * d;
            }
            var sd = Math.Sqrt(v / n);
            if (!(sd > 0))
            {
                throw new ArgumentException($"Feature '{names[j]}' is the same for every training subject; leave it out (it carries no information).", nameof(training));
            }
            means[j] = m;
            scales[j] = sd;
        }
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < p; j++)
            {
                raw[(i * p) + j] = (raw[(i * p) + j] - means[j]) / scales[j];
            }
        }
        var fit = LogisticRegression.Fit(FeatureMatrix.FromArray(n, p, raw), positive, options.InverseRegularization);
        return new EarlyResponderModel(endpoint, options, names.AsReadOnly(), times, Array.AsReadOnly(means), Array.AsReadOnly(scales),
            Array.AsReadOnly((double[])fit.Coefficients.Clone()), fit.Intercept, n, responders, fit.Iterations);
    }

    /// <summary>The predicted probability that a subject responds in the model's arm.</summary>
    /// <param name="subject">The subject, with the covariates and early visits the model uses.</param>
    public double Predict(TrialSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        Span<double> x = stackalloc double[Coefficients.Count];
        Features(subject, -1, Options, Options.UseCovariates ? FeatureMeans.Count - VisitTimes.Count : 0, VisitTimes, x);
        var z = Intercept;
        for (var j = 0; j < x.Length; j++)
        {
            z += Coefficients[j] * (x[j] - FeatureMeans[j]) / FeatureScales[j];
        }
        return 1 / (1 + Math.Exp(-z));
    }

    /// <summary>Whether a subject responds in the model's arm under its endpoint (the outcome the model predicts).</summary>
    /// <param name="subject">The subject.</param>
    public bool Responds(TrialSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return Endpoint.Responds(Options.TreatedArm ? subject.TreatedOutcome : subject.ControlOutcome);
    }

    /// <summary>Discrimination and calibration over held-out subjects (never the training subjects): AUC, Brier score,
    /// reliability bins, expected calibration error, calibration intercept and slope.</summary>
    /// <param name="heldOut">Subjects not used in training; both responders and non-responders must occur.</param>
    /// <param name="bins">Equal-width reliability bins.</param>
    public ProbabilityForecastReport Evaluate(IReadOnlyList<TrialSubject> heldOut, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        var (probabilities, outcomes) = Predictions(heldOut);
        return ForecastSkill.EvaluateProbabilities(probabilities, outcomes, bins);
    }

    /// <summary>Each subject's predicted probability and whether it responded (for charts and custom scores).</summary>
    /// <param name="subjects">The subjects.</param>
    public (double[] Probabilities, bool[] Responded) Predictions(IReadOnlyList<TrialSubject> subjects)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var probabilities = new double[subjects.Count];
        var outcomes = new bool[subjects.Count];
        for (var i = 0; i < subjects.Count; i++)
        {
            probabilities[i] = Predict(subjects[i]);
            outcomes[i] = Responds(subjects[i]);
        }
        return (probabilities, outcomes);
    }

    /// <summary>An eligibility criterion that enrols subjects whose predicted probability of response is at least
    /// <paramref name="threshold"/> (fix it before seeing any trial outcome), for
    /// <see cref="DesignExploration.Eligibility"/>. A subject is screened before randomisation, so a model that uses
    /// early visits can only screen subjects whose early measurements do not depend on the arm (a run-in); others stop
    /// the simulation with an error.</summary>
    /// <param name="threshold">The probability threshold, in (0, 1).</param>
    /// <param name="name">The criterion's name; by default "predicted response ≥ threshold".</param>
    public EligibilityCriterion Criterion(double threshold, string? name = null)
    {
        if (!(threshold > 0 && threshold < 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The threshold is {threshold}; give a probability in (0, 1)."), nameof(threshold));
        }
        return new EligibilityCriterion(name ?? string.Create(CultureInfo.InvariantCulture, $"predicted response ≥ {threshold:G3}"), subject =>
        {
            if (VisitTimes.Count > 0 && subject.Early is { KnownAtScreening: false })
            {
                throw new InvalidOperationException(
                    "The responder model uses early visits whose values depend on the arm, which are not known when a subject is screened. " +
                    "Fit the criterion's model with Visits = 0 (baseline covariates), or give run-in measurements (the same under both arms).");
            }
            return Predict(subject) >= threshold;
        });
    }

    /// <summary>Writes a subject's features (covariates, then early visits in the chosen arm) into <paramref name="x"/>.</summary>
    private static void Features(TrialSubject subject, int index, EarlyResponderOptions options, int covariates, IReadOnlyList<double> times, Span<double> x)
    {
        var where = index >= 0 ? string.Create(CultureInfo.InvariantCulture, $"Subject {index}") : "The subject";
        if (options.UseCovariates && subject.Covariates.Count != covariates)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{where} has {subject.Covariates.Count} covariates; the model uses {covariates}."), nameof(subject));
        }
        for (var j = 0; j < covariates; j++)
        {
            x[j] = subject.Covariates[j];
        }
        if (times.Count > 0)
        {
            var early = subject.Early ?? throw new ArgumentException($"{where} has no early measurements; the model uses {times.Count} early visits.", nameof(subject));
            var values = early.Under(options.TreatedArm);
            if (early.Times.Count < times.Count || values.Count < times.Count)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{where} has {Math.Min(early.Times.Count, values.Count)} early visits; the model uses {times.Count}."), nameof(subject));
            }
            for (var k = 0; k < times.Count; k++)
            {
                if (early.Times[k] != times[k])
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"{where}'s visit {k + 1} is at {early.Times[k]}; the model was trained on visits at {string.Join(", ", times)}."), nameof(subject));
                }
                x[covariates + k] = values[k];
            }
        }
        for (var j = 0; j < covariates + times.Count; j++)
        {
            if (!double.IsFinite(x[j]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{where} has a non-finite feature {j + 1} ({x[j]})."), nameof(subject));
            }
        }
    }
}
