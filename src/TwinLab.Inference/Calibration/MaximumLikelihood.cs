using System.Globalization;

namespace TwinLab.Inference.Calibration;

/// <summary>A maximum-likelihood fit of model parameters together with the parameters of the residual error model.</summary>
/// <param name="Parameters">θ̂, the model parameters.</param>
/// <param name="ParameterNames">Their names.</param>
/// <param name="Error">The residual error model with its estimated parameters.</param>
/// <param name="ErrorParameterNames">The estimated error parameters: <c>a</c> (additive sd), <c>b</c> (proportional
/// coefficient) or <c>sigma</c> (log-normal), in the order of <see cref="ErrorParameters"/>.</param>
/// <param name="ErrorParameters">Their estimates.</param>
/// <param name="LogLikelihood">ln L at the estimate (the full density, constants included).</param>
/// <param name="Iterations">Iterations used.</param>
/// <param name="Converged">Whether a convergence test was met (rather than the iteration limit).</param>
/// <param name="Message">Which test stopped it.</param>
/// <param name="Covariance">The inverse expected Fisher information over (θ, ln error parameters), in that order; null
/// when singular.</param>
/// <param name="StandardErrors">Standard errors of θ̂ (NaN when singular).</param>
/// <param name="ErrorStandardErrors">Standard errors of the error parameters (delta method from their logarithms).</param>
/// <param name="AtBound">Whether each model parameter ended on a bound (its standard error is then not meaningful).</param>
public sealed record MaximumLikelihoodFit(double[] Parameters, IReadOnlyList<string> ParameterNames, ResidualErrorModel Error,
    IReadOnlyList<string> ErrorParameterNames, double[] ErrorParameters, double LogLikelihood, int Iterations, bool Converged, string Message,
    double[,]? Covariance, double[] StandardErrors, double[] ErrorStandardErrors, bool[] AtBound);

/// <summary>Predictions f_i(θ) and their sensitivities ∂f_i/∂θ_k for one parameter vector; null when the model cannot
/// be evaluated there.</summary>
/// <param name="parameters">θ.</param>
/// <returns>The predictions (length n) and sensitivities (n × p), or null.</returns>
public delegate (double[] Predictions, double[,] Sensitivities)? PredictionFunction(ReadOnlySpan<double> parameters);

/// <summary>
/// Maximum likelihood for y_i = f_i(θ) + noise with a <see cref="ResidualErrorModel"/> whose parameters η are estimated
/// jointly with θ. With m_i = f_i (ln f_i for the log-normal model), s_i the error sd and z_i = (y_i − m_i)/s_i, the
/// negative log-likelihood Σ ln s_i + ½ z_i² is minimised by Fisher scoring (the expected information
/// Σ ∇m ∇mᵀ/s² + 2 ∇ln s ∇ln sᵀ) damped as in Levenberg–Marquardt: (I + λ diag I) δ = −∇, the step accepted when the
/// likelihood rises (λ ÷ 10), otherwise λ × 10. Error parameters are estimated on the log scale (so they stay positive);
/// model parameters are projected onto their bounds. The covariance is the inverse Fisher information.
/// </summary>
public static class MaximumLikelihood
{
    /// <summary>Maximises the likelihood over θ and the error model's parameters.</summary>
    /// <param name="predict">f(θ) and ∂f/∂θ.</param>
    /// <param name="observed">y (length n).</param>
    /// <param name="errorStart">The error model: its kind, and starting values of its parameters (all must be &gt; 0;
    /// for the combined model both a and b are estimated).</param>
    /// <param name="names">Model parameter names.</param>
    /// <param name="start">θ₀, inside the bounds.</param>
    /// <param name="lower">Lower bounds of θ.</param>
    /// <param name="upper">Upper bounds of θ.</param>
    /// <param name="options">The iteration limit and step tolerance (those of Levenberg–Marquardt; convergence is
    /// otherwise judged by <see cref="DecrementTolerance"/>).</param>
    /// <returns>The fit.</returns>
    /// <exception cref="ArgumentException">Lengths disagree, too few observations, a start outside its bounds, a zero
    /// error parameter to estimate, non-finite data, or a start where the likelihood cannot be evaluated.</exception>
    public static MaximumLikelihoodFit Fit(PredictionFunction predict, IReadOnlyList<double> observed, ResidualErrorModel errorStart,
        IReadOnlyList<string> names, double[] start, double[] lower, double[] upper, LevenbergMarquardtOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(predict);
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(errorStart);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        options ??= new LevenbergMarquardtOptions();
        int n = observed.Count, p = start.Length;
        var errorNames = ErrorParameterNames(errorStart.Kind);
        var q = errorNames.Length;
        if (names.Count != p || lower.Length != p || upper.Length != p)
        {
            throw new ArgumentException($"Give one name and one lower and upper bound per start value ({p}); got {names.Count} names and {lower.Length}, {upper.Length} bounds.", nameof(start));
        }

        if (n < p + q)
        {
            throw new ArgumentException($"{n} observations cannot determine {p} model and {q} error parameters; give at least {p + q}.", nameof(observed));
        }

        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(observed[i]) || (errorStart.Kind == "log-normal" && observed[i] <= 0))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Observation {i} ({observed[i]}) is not usable: values must be finite{(errorStart.Kind == "log-normal" ? " and positive for the log-normal error model" : string.Empty)}."), nameof(observed));
            }
        }

        for (var k = 0; k < p; k++)
        {
            if (!(start[k] >= lower[k] && start[k] <= upper[k]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Start value of {names[k]} ({start[k]}) lies outside its bounds [{lower[k]}, {upper[k]}]; start inside them."), nameof(start));
            }
        }

        var eta = ErrorValues(errorStart).Select(v => v > 0 ? Math.Log(v) : throw new ArgumentException(
            $"The {errorStart.Kind} error model's parameters ({string.Join(", ", errorNames)}) are estimated, so each needs a positive starting value.", nameof(errorStart))).ToArray();

        var phi = new double[p + q];
        start.CopyTo(phi, 0);
        eta.CopyTo(phi, p);
        var state = Evaluate(predict, observed, errorStart.Kind, phi, p, q)
            ?? throw new ArgumentException("The likelihood cannot be evaluated at the start (the model fails or a prediction is impossible under the error model); choose another start.", nameof(start));

        var trial = new double[p + q];
        var lambda = 1e-3;
        var message = "iteration limit";
        var converged = false;
        var iteration = 0;
        for (; iteration < options.MaxIterations && !converged; iteration++)
        {
            // The scoring step's predicted rise of ln L, ½ ∇ᵀ I⁻¹ ∇, measures the distance to the maximum on the
            // likelihood's own scale: below 10⁻¹² the estimate cannot move meaningfully.
            if (PredictedRise(state) < DecrementTolerance)
            {
                message = "predicted likelihood rise below tolerance";
                converged = true;
                break;
            }

            var improved = false;
            while (lambda < 1e16)
            {
                var a = (double[,])state.Information.Clone();
                for (var k = 0; k < p + q; k++)
                {
                    a[k, k] += lambda * Math.Max(state.Information[k, k], 1e-12);
                }

                var factor = LinearAlgebra.Cholesky(a);
                if (factor is null)
                {
                    lambda *= 10;
                    continue;
                }

                var step = state.Gradient.Select(g => -g).ToArray();
                LinearAlgebra.Solve(factor, step);

                // A trust region on the log scale of the error parameters: far from the fit the scoring step in ln η
                // is Σ(z² − 1)/2n, which can be enormous; the whole step is shortened so no error parameter changes
                // by more than a factor e² in one iteration.
                var largest = 0.0;
                for (var k = p; k < p + q; k++)
                {
                    largest = Math.Max(largest, Math.Abs(step[k]));
                }

                if (largest > MaximumLogErrorStep)
                {
                    var shrink = MaximumLogErrorStep / largest;
                    for (var k = 0; k < p + q; k++)
                    {
                        step[k] *= shrink;
                    }
                }

                double stepNorm = 0, norm = 0;
                for (var k = 0; k < p + q; k++)
                {
                    trial[k] = k < p ? Math.Clamp(phi[k] + step[k], lower[k], upper[k]) : phi[k] + step[k];
                    stepNorm += (trial[k] - phi[k]) * (trial[k] - phi[k]);
                    norm += phi[k] * phi[k];
                }

                if (Math.Sqrt(stepNorm) < options.StepTolerance * (Math.Sqrt(norm) + options.StepTolerance))
                {
                    message = "step below tolerance";
                    converged = true;
                    break;
                }

                var candidate = Evaluate(predict, observed, errorStart.Kind, trial, p, q);
                if (candidate is not null && candidate.NegativeLogLikelihood < state.NegativeLogLikelihood)
                {
                    trial.CopyTo(phi, 0);
                    state = candidate;
                    lambda = Math.Max(lambda / 10, 1e-12);
                    improved = true;
                    break;
                }

                lambda *= 10;
            }

            if (!improved && !converged)
            {
                message = "no step raises the likelihood (a local maximum within the bounds)";
                converged = true;
            }
        }

        var estimates = phi.AsSpan(0, p).ToArray();
        var errorValues = phi.AsSpan(p, q).ToArray().Select(Math.Exp).ToArray();
        double[,]? covariance = null;
        var standardErrors = Enumerable.Repeat(double.NaN, p).ToArray();
        var errorStandardErrors = Enumerable.Repeat(double.NaN, q).ToArray();
        if (LinearAlgebra.Cholesky(state.Information) is not null)
        {
            covariance = LinearAlgebra.InverseSymmetric(state.Information);
            for (var k = 0; k < p; k++)
            {
                standardErrors[k] = Math.Sqrt(covariance[k, k]);
            }

            for (var k = 0; k < q; k++)
            {
                errorStandardErrors[k] = errorValues[k] * Math.Sqrt(covariance[p + k, p + k]); // delta method: se(e^η) = e^η se(η)
            }
        }

        var error = WithValues(errorStart.Kind, errorValues);
        var logLikelihood = 0.0;
        for (var i = 0; i < n; i++)
        {
            logLikelihood += error.LogLikelihood(observed[i], state.Predictions[i]);
        }

        var atBound = estimates.Select((t, k) => t <= lower[k] || t >= upper[k]).ToArray();
        return new MaximumLikelihoodFit(estimates, [.. names], error, errorNames, errorValues, logLikelihood, iteration, converged, message,
            covariance, standardErrors, errorStandardErrors, atBound);
    }

    /// <summary>Iterations stop when the predicted rise of ln L from a full scoring step falls below this.</summary>
    public const double DecrementTolerance = 1e-12;

    /// <summary>The largest change of the logarithm of an error parameter in one iteration.</summary>
    public const double MaximumLogErrorStep = 2.0;

    private static double PredictedRise(State state)
    {
        var factor = LinearAlgebra.Cholesky(state.Information);
        if (factor is null)
        {
            return double.PositiveInfinity;
        }

        var solved = (double[])state.Gradient.Clone();
        LinearAlgebra.Solve(factor, solved);
        var rise = 0.0;
        for (var k = 0; k < solved.Length; k++)
        {
            rise += 0.5 * state.Gradient[k] * solved[k];
        }

        return rise;
    }

    /// <summary>The names of the parameters of an error model of the given kind, as <see cref="Fit"/> estimates them.</summary>
    /// <param name="kind">A <see cref="ResidualErrorModel.Kind"/>.</param>
    /// <returns>The names.</returns>
    public static string[] ErrorParameterNames(string kind) => kind switch
    {
        "gaussian" => ["a"],
        "proportional" => ["b"],
        "combined" => ["a", "b"],
        "log-normal" => ["sigma"],
        _ => throw new ArgumentException($"Unknown residual error model '{kind}'.", nameof(kind)),
    };

    private static double[] ErrorValues(ResidualErrorModel error) => error.Kind switch
    {
        "gaussian" or "log-normal" => [error.Additive],
        "proportional" => [error.Proportional],
        _ => [error.Additive, error.Proportional],
    };

    private static ResidualErrorModel WithValues(string kind, double[] values) => kind switch
    {
        "gaussian" => ResidualErrorModel.Gaussian(values[0]),
        "proportional" => ResidualErrorModel.ProportionalError(values[0]),
        "combined" => ResidualErrorModel.Combined(values[0], values[1]),
        _ => ResidualErrorModel.LogNormal(values[0]),
    };

    private sealed record State(double NegativeLogLikelihood, double[] Gradient, double[,] Information, double[] Predictions);

    /// <summary>−ln L (without the constant), its gradient and the expected Fisher information at φ = (θ, ln η).</summary>
    private static State? Evaluate(PredictionFunction predict, IReadOnlyList<double> observed, string kind, double[] phi, int p, int q)
    {
        var evaluation = predict(phi.AsSpan(0, p));
        if (evaluation is not { } value)
        {
            return null;
        }

        var (f, sensitivities) = value;
        var n = observed.Count;
        double a = 0, b = 0;
        switch (kind)
        {
            case "gaussian" or "log-normal":
                a = Math.Exp(phi[p]);
                break;
            case "proportional":
                b = Math.Exp(phi[p]);
                break;
            default:
                a = Math.Exp(phi[p]);
                b = Math.Exp(phi[p + 1]);
                break;
        }

        var m = p + q;
        var gradient = new double[m];
        var information = new double[m, m];
        var meanGradient = new double[m];
        var logSdGradient = new double[m];
        var nll = 0.0;
        for (var i = 0; i < n; i++)
        {
            var fi = f[i];
            if (!double.IsFinite(fi) || (kind is "log-normal" or "proportional" && fi == 0) || (kind == "log-normal" && fi < 0))
            {
                return null;
            }

            double mean, y, sd;
            Array.Clear(meanGradient);
            Array.Clear(logSdGradient);
            switch (kind)
            {
                case "gaussian":
                    mean = fi;
                    y = observed[i];
                    sd = a;
                    for (var k = 0; k < p; k++)
                    {
                        meanGradient[k] = sensitivities[i, k];
                    }

                    logSdGradient[p] = 1;
                    break;
                case "log-normal":
                    mean = Math.Log(fi);
                    y = Math.Log(observed[i]);
                    sd = a;
                    for (var k = 0; k < p; k++)
                    {
                        meanGradient[k] = sensitivities[i, k] / fi;
                    }

                    logSdGradient[p] = 1;
                    break;
                case "proportional":
                    mean = fi;
                    y = observed[i];
                    sd = b * Math.Abs(fi);
                    for (var k = 0; k < p; k++)
                    {
                        meanGradient[k] = sensitivities[i, k];
                        logSdGradient[k] = sensitivities[i, k] / fi; // ∂ ln(b|f|)/∂θ = f′/f
                    }

                    logSdGradient[p] = 1;
                    break;
                default:
                    mean = fi;
                    y = observed[i];
                    var variance = (a * a) + (b * b * fi * fi);
                    sd = Math.Sqrt(variance);
                    for (var k = 0; k < p; k++)
                    {
                        meanGradient[k] = sensitivities[i, k];
                        logSdGradient[k] = b * b * fi * sensitivities[i, k] / variance;
                    }

                    logSdGradient[p] = a * a / variance;
                    logSdGradient[p + 1] = b * b * fi * fi / variance;
                    break;
            }

            if (!(sd > 0))
            {
                return null;
            }

            var z = (y - mean) / sd;
            nll += Math.Log(sd) + (0.5 * z * z);
            for (var r = 0; r < m; r++)
            {
                gradient[r] += (-z / sd * meanGradient[r]) + ((1 - (z * z)) * logSdGradient[r]);
                for (var c = 0; c < m; c++)
                {
                    information[r, c] += (meanGradient[r] * meanGradient[c] / (sd * sd)) + (2 * logSdGradient[r] * logSdGradient[c]);
                }
            }
        }

        return double.IsFinite(nll) ? new State(nll, gradient, information, f) : null;
    }
}
