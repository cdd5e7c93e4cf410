using TwinLab.Core.Modelling;
using TwinLab.Simulation;

namespace TwinLab.Inference.Calibration;

/// <summary>Longitudinal observations of one state of a model.</summary>
/// <param name="State">The observed state's name.</param>
/// <param name="Times">Observation times (increasing, within the span).</param>
/// <param name="Values">Observed values.</param>
public sealed record Observations(string State, IReadOnlyList<double> Times, IReadOnlyList<double> Values);

/// <summary>
/// Weighted least-squares calibration of model parameters to longitudinal data: residuals standardised by a
/// <see cref="ResidualErrorModel"/>, minimised by <see cref="LevenbergMarquardt"/> with the Jacobian from the forward
/// sensitivities ∂y/∂θ that TwinLab.Simulation integrates with the model (the error sd is held at its current value when
/// differentiating, as in iteratively reweighted least squares). The covariance is the inverse Fisher information.
/// <see cref="FitMaximumLikelihood"/> estimates the error model's parameters jointly with the model's.
/// </summary>
public static class OdeCalibration
{
    /// <summary>Fits the named parameters.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">The observations.</param>
    /// <param name="error">The residual error model (with known parameters).</param>
    /// <param name="names">Parameters to fit.</param>
    /// <param name="start">Starting values.</param>
    /// <param name="lower">Lower bounds.</param>
    /// <param name="upper">Upper bounds.</param>
    /// <param name="algorithm">The ODE algorithm (default Tsit5 with relative tolerance 10⁻⁸).</param>
    /// <returns>The fit; standard errors from the Fisher information.</returns>
    public static LeastSquaresFit Fit(Model model, Observations data, ResidualErrorModel error, IReadOnlyList<string> names,
        double[] start, double[] lower, double[] upper, OdeAlgorithm? algorithm = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(names);
        if (data.Times.Count != data.Values.Count || data.Times.Count < names.Count)
        {
            throw new ArgumentException($"Give as many times as values, and at least {names.Count} observations.", nameof(data));
        }

        algorithm ??= new Tsit5 { RelTol = 1e-8, AbsTol = 1e-10 };
        var end = data.Times[^1];
        var n = data.Times.Count;
        double[] cachedTheta = [];
        Solution? cached = null;

        Solution Solve(ReadOnlySpan<double> theta)
        {
            if (cached is not null && theta.SequenceEqual(cachedTheta))
            {
                return cached;
            }

            var parameters = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var k = 0; k < names.Count; k++)
            {
                parameters[names[k]] = theta[k];
            }

            var problem = new OdeProblem(model, (0, Math.Max(end, 1e-9)), data.Times, parameters, sensitivities: names);
            cached = problem.Solve(algorithm);
            cachedTheta = theta.ToArray();
            return cached;
        }

        void Residuals(ReadOnlySpan<double> theta, Span<double> r)
        {
            var solution = Solve(theta);
            if (!solution.Succeeded)
            {
                r.Fill(double.NaN);
                return;
            }

            var predicted = solution.State(data.State);
            for (var i = 0; i < n; i++)
            {
                r[i] = error.StandardisedResidual(data.Values[i], predicted[i]);
            }
        }

        void Jacobian(ReadOnlySpan<double> theta, double[,] j)
        {
            var solution = Solve(theta);
            var predicted = solution.State(data.State);
            for (var k = 0; k < names.Count; k++)
            {
                var sensitivity = solution.Sensitivity(data.State, names[k]);
                for (var i = 0; i < n; i++)
                {
                    // r = (y − f)/sd: ∂r/∂θ = −(∂f/∂θ)/sd; for the log-normal model r = (ln y − ln f)/σ: −(∂f/∂θ)/(f σ).
                    var sd = error.StandardDeviation(predicted[i]);
                    j[i, k] = error.Kind == "log-normal" ? -sensitivity[i] / (predicted[i] * sd) : -sensitivity[i] / sd;
                }
            }
        }

        return LevenbergMarquardt.Minimise(Residuals, n, start, lower, upper, Jacobian, new LevenbergMarquardtOptions { ResidualsStandardised = true });
    }

    /// <summary>Maximum likelihood over the named model parameters and the residual error model's parameters together
    /// (<see cref="MaximumLikelihood"/>), with ∂f/∂θ from the forward sensitivities.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">The observations.</param>
    /// <param name="errorStart">The error model's kind and the starting values of its parameters (all positive).</param>
    /// <param name="names">Model parameters to fit.</param>
    /// <param name="start">Starting values.</param>
    /// <param name="lower">Lower bounds.</param>
    /// <param name="upper">Upper bounds.</param>
    /// <param name="algorithm">The ODE algorithm (default Tsit5 with relative tolerance 10⁻⁸).</param>
    /// <returns>The fit, with standard errors of every estimate from the Fisher information.</returns>
    public static MaximumLikelihoodFit FitMaximumLikelihood(Model model, Observations data, ResidualErrorModel errorStart, IReadOnlyList<string> names,
        double[] start, double[] lower, double[] upper, OdeAlgorithm? algorithm = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(names);
        if (data.Times.Count != data.Values.Count)
        {
            throw new ArgumentException($"Give as many times as values (got {data.Times.Count} and {data.Values.Count}).", nameof(data));
        }

        algorithm ??= new Tsit5 { RelTol = 1e-8, AbsTol = 1e-10 };
        var end = data.Times[^1];
        var n = data.Times.Count;

        (double[] Predictions, double[,] Sensitivities)? Predict(ReadOnlySpan<double> theta)
        {
            var parameters = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var k = 0; k < names.Count; k++)
            {
                parameters[names[k]] = theta[k];
            }

            var solution = new OdeProblem(model, (0, Math.Max(end, 1e-9)), data.Times, parameters, sensitivities: names).Solve(algorithm);
            if (!solution.Succeeded)
            {
                return null;
            }

            var predicted = solution.State(data.State);
            var sensitivities = new double[n, names.Count];
            for (var k = 0; k < names.Count; k++)
            {
                var column = solution.Sensitivity(data.State, names[k]);
                for (var i = 0; i < n; i++)
                {
                    sensitivities[i, k] = column[i];
                }
            }

            return (predicted, sensitivities);
        }

        return MaximumLikelihood.Fit(Predict, data.Values, errorStart, names, start, lower, upper);
    }
}
