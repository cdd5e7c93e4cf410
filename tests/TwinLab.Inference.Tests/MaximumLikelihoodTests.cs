using System.Text.Json;
using TwinLab.Core.Library;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Calibration;
using TwinLab.TestSupport;

namespace TwinLab.Inference.Tests;

public class MaximumLikelihoodTests
{
    private static double[] Times => [.. Enumerable.Range(0, 40).Select(i => 1.0 * i)];

    private static double Gompertz(double t, double r, double k) => k * Math.Exp(Math.Log(50.0 / k) * Math.Exp(-r * t));

    // Gompertz (V0 = 50) with r = 0.12, K = 1800 observed at t = 0 … 39 with the given error model.
    private static double[] Data(ResidualErrorModel truth, ulong seed)
    {
        var stream = RandomStream.For(seed, "ml-data");
        return [.. Times.Select(t =>
        {
            var f = Gompertz(t, 0.12, 1800);
            return f + (truth.StandardDeviation(f) * stream.NextNormal());
        })];
    }

    // The same negative log-likelihood, written independently for SciPy over (r, ln K, ln a, ln b); Nelder–Mead from
    // the truth, polished by BFGS.
    private const string ScipyFit = """
import sys, json, numpy as np
from scipy.optimize import minimize
d = json.loads(sys.stdin.read())
t = np.array(d['t']); y = np.array(d['y']); kind = d['kind']
def unpack(x):
    r, K = x[0], np.exp(x[1])
    a = np.exp(x[2]) if kind in ('gaussian', 'combined') else 0.0
    b = np.exp(x[-1]) if kind in ('proportional', 'combined') else 0.0
    return r, K, a, b
def nll(x):
    r, K, a, b = unpack(x)
    f = K * np.exp(np.log(50.0 / K) * np.exp(-r * t))
    sd = np.sqrt(a * a + (b * f) ** 2)
    return float(np.sum(np.log(sd) + 0.5 * ((y - f) / sd) ** 2 + 0.5 * np.log(2 * np.pi)))
x0 = np.array(d['x0'])
first = minimize(nll, x0, method='Nelder-Mead', options={'xatol': 1e-12, 'fatol': 1e-14, 'maxiter': 40000, 'maxfev': 80000})
best = minimize(nll, first.x, method='BFGS', options={'gtol': 1e-10})
x = best.x if best.fun <= first.fun else first.x
r, K, a, b = unpack(x)
print(json.dumps({'r': r, 'K': K, 'a': a, 'b': b, 'loglik': -min(best.fun, first.fun)}))
""";

    [Theory]
    [InlineData("proportional")]
    [InlineData("combined")]
    public void Joint_fit_of_model_and_error_parameters_matches_scipy_and_recovers_the_truth(string kind)
    {
        // Data from b = 0.08 (and a = 15 for the combined model). Our Fisher scoring on the ODE (Tsit5, rtol 1e-8,
        // forward sensitivities) and SciPy's Nelder–Mead + BFGS on the closed form maximise the same likelihood: the
        // maxima agree to 1e-6 in ln L and the estimates to 1e-4 relative (the likelihood is flat to second order at the
        // maximum, so a 1e-8 difference in ln L allows ≈ 1e-4 in the parameters). The truth lies within 3 standard
        // errors (Fisher information) of each estimate.
        var truth = kind == "proportional" ? ResidualErrorModel.ProportionalError(0.08) : ResidualErrorModel.Combined(15, 0.08);
        var y = Data(truth, kind == "proportional" ? 21UL : 22UL);
        var start = kind == "proportional" ? ResidualErrorModel.ProportionalError(0.3) : ResidualErrorModel.Combined(5, 0.3);
        var fit = OdeCalibration.FitMaximumLikelihood(TumourGrowthModels.Gompertz(), new Observations("V", Times, y), start,
            ["r", "K"], [0.3, 1000], [1e-3, 100], [2, 1e5]);
        Assert.True(fit.Converged, fit.Message);

        double[] x0 = kind == "proportional" ? [0.12, Math.Log(1800), Math.Log(0.08)] : [0.12, Math.Log(1800), Math.Log(15), Math.Log(0.08)];
        var json = JsonDocument.Parse(DebianPython.Run(ScipyFit, JsonSerializer.Serialize(new { t = Times, y, kind, x0 }))).RootElement;
        Assert.True(Math.Abs(fit.LogLikelihood - json.GetProperty("loglik").GetDouble()) < 1e-6, $"ln L {fit.LogLikelihood} vs SciPy {json.GetProperty("loglik").GetDouble()}");
        AssertRelative(json.GetProperty("r").GetDouble(), fit.Parameters[0], 1e-4, "r");
        AssertRelative(json.GetProperty("K").GetDouble(), fit.Parameters[1], 1e-4, "K");
        AssertRelative(json.GetProperty("b").GetDouble(), fit.Error.Proportional, 1e-4, "b");
        if (kind == "combined")
        {
            AssertRelative(json.GetProperty("a").GetDouble(), fit.Error.Additive, 1e-4, "a");
            Assert.Equal(["a", "b"], fit.ErrorParameterNames);
            Assert.True(Math.Abs(fit.ErrorParameters[0] - 15) < 3 * fit.ErrorStandardErrors[0], $"a = {fit.ErrorParameters[0]} ± {fit.ErrorStandardErrors[0]}");
        }

        Assert.True(Math.Abs(fit.Error.Proportional - 0.08) < 3 * fit.ErrorStandardErrors[^1], $"b = {fit.Error.Proportional} ± {fit.ErrorStandardErrors[^1]}");
        Assert.True(Math.Abs(fit.Parameters[0] - 0.12) < 3 * fit.StandardErrors[0], $"r = {fit.Parameters[0]} ± {fit.StandardErrors[0]}");
        Assert.True(Math.Abs(fit.Parameters[1] - 1800) < 3 * fit.StandardErrors[1], $"K = {fit.Parameters[1]} ± {fit.StandardErrors[1]}");
        Assert.All(fit.AtBound, b => Assert.False(b));
    }

    [Fact]
    public void Gaussian_error_gives_the_least_squares_curve_and_the_root_mean_square_residual()
    {
        // With y = f + a ε the likelihood is maximised by the least-squares θ whatever a, and then by â² = RSS/n
        // (analytic). Least squares here is the existing Levenberg–Marquardt fit; both are converged to ≈ 1e-9, so
        // the estimates agree to 1e-6 relative.
        var y = Data(ResidualErrorModel.Gaussian(20), 23);
        var data = new Observations("V", Times, y);
        var model = TumourGrowthModels.Gompertz();
        var fit = OdeCalibration.FitMaximumLikelihood(model, data, ResidualErrorModel.Gaussian(1), ["r", "K"], [0.3, 1000], [1e-3, 100], [2, 1e5]);
        var leastSquares = OdeCalibration.Fit(model, data, ResidualErrorModel.Gaussian(1), ["r", "K"], [0.3, 1000], [1e-3, 100], [2, 1e5]);
        Assert.True(fit.Converged, fit.Message);
        AssertRelative(leastSquares.Parameters[0], fit.Parameters[0], 1e-6, "r");
        AssertRelative(leastSquares.Parameters[1], fit.Parameters[1], 1e-6, "K");
        AssertRelative(Math.Sqrt(2 * leastSquares.Cost / y.Length), fit.Error.Additive, 1e-6, "a");

        // Fisher information of a Gaussian sd from n observations: se(â) = â/√(2n).
        AssertRelative(fit.Error.Additive / Math.Sqrt(2.0 * y.Length), fit.ErrorStandardErrors[0], 1e-6, "se(a)");
    }

    [Fact]
    public void Mistakes_are_reported()
    {
        var y = Data(ResidualErrorModel.Gaussian(20), 24);
        var model = TumourGrowthModels.Gompertz();
        var zero = Assert.Throws<ArgumentException>(() => OdeCalibration.FitMaximumLikelihood(model, new Observations("V", Times, y),
            ResidualErrorModel.Combined(0, 0.1), ["r", "K"], [0.3, 1000], [1e-3, 100], [2, 1e5]));
        Assert.Contains("positive starting value", zero.Message, StringComparison.Ordinal);
        var negative = (double[])y.Clone();
        negative[3] = -1;
        var logNormal = Assert.Throws<ArgumentException>(() => OdeCalibration.FitMaximumLikelihood(model, new Observations("V", Times, negative),
            ResidualErrorModel.LogNormal(0.1), ["r", "K"], [0.3, 1000], [1e-3, 100], [2, 1e5]));
        Assert.Contains("Observation 3", logNormal.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OdeCalibration.FitMaximumLikelihood(model, new Observations("V", Times, y),
            ResidualErrorModel.Gaussian(1), ["r", "K"], [3, 1000], [1e-3, 100], [2, 1e5]));
    }

    private static void AssertRelative(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"{what}: {actual} vs {expected}");
}
