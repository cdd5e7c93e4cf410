using System.Globalization;
using TwinLab.Core.Randomness;

namespace TwinLab.Inference.Calibration;

/// <summary>Writes the residual vector r(θ) (length fixed for the problem).</summary>
/// <param name="parameters">θ.</param>
/// <param name="residuals">Where to write r.</param>
public delegate void ResidualFunction(ReadOnlySpan<double> parameters, Span<double> residuals);

/// <summary>Writes the Jacobian ∂r_i/∂θ_j into <paramref name="jacobian"/> (residuals × parameters).</summary>
/// <param name="parameters">θ.</param>
/// <param name="jacobian">Where to write J.</param>
public delegate void JacobianFunction(ReadOnlySpan<double> parameters, double[,] jacobian);

/// <summary>A least-squares fit.</summary>
/// <param name="Parameters">θ̂.</param>
/// <param name="Cost">½ Σ r_i² at θ̂.</param>
/// <param name="Iterations">Iterations used.</param>
/// <param name="Converged">Whether a convergence test was met (rather than the iteration limit).</param>
/// <param name="Message">Which test stopped it.</param>
/// <param name="Covariance">s² (JᵀJ)⁻¹, with s² = 2·Cost/(n − p) when the residual scale is estimated, 1 when residuals
/// are already standardised by known error sds (the inverse Fisher information); null when JᵀJ is singular.</param>
/// <param name="StandardErrors">√diag(Covariance) (NaN when singular).</param>
/// <param name="AtBound">Whether each parameter ended on a bound (its standard error is then not meaningful).</param>
public sealed record LeastSquaresFit(double[] Parameters, double Cost, int Iterations, bool Converged, string Message,
    double[,]? Covariance, double[] StandardErrors, bool[] AtBound);

/// <summary>Settings of <see cref="LevenbergMarquardt"/>.</summary>
public sealed record LevenbergMarquardtOptions
{
    /// <summary>The most iterations.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>Stop when the relative decrease of the cost is below this.</summary>
    public double CostTolerance { get; init; } = 1e-12;

    /// <summary>Stop when the step is below this relative to |θ| + this.</summary>
    public double StepTolerance { get; init; } = 1e-10;

    /// <summary>Residuals are standardised by known sds: the covariance is (JᵀJ)⁻¹ without rescaling.</summary>
    public bool ResidualsStandardised { get; init; }

    /// <summary>Relative step of the forward differences used when no Jacobian is given: h_j = step · max(|θ_j|, 10⁻³)
    /// (√ε of double precision, the classical choice for forward differences).</summary>
    public double FiniteDifferenceStep { get; init; } = 1.49e-8;
}

/// <summary>
/// Bounded Levenberg–Marquardt (Levenberg 1944; Marquardt 1963, with Marquardt's diagonal scaling): solves
/// (JᵀJ + λ diag(JᵀJ)) δ = −Jᵀr, projects θ + δ onto the bounds, accepts the step when the cost drops (λ ÷ 10)
/// and otherwise raises λ (× 10). Multi-start runs it from several starting points.
/// </summary>
public static class LevenbergMarquardt
{
    /// <summary>Minimises ½‖r(θ)‖² within bounds.</summary>
    /// <param name="residuals">r(θ).</param>
    /// <param name="residualCount">n, the length of r.</param>
    /// <param name="start">θ₀, inside the bounds.</param>
    /// <param name="lower">Lower bounds (−∞ allowed).</param>
    /// <param name="upper">Upper bounds (+∞ allowed).</param>
    /// <param name="jacobian">J(θ), e.g. from forward sensitivities; null for forward differences.</param>
    /// <param name="options">Settings.</param>
    /// <returns>The fit.</returns>
    /// <exception cref="ArgumentException">Lengths disagree, the start is outside the bounds, or r(θ₀) is not finite.</exception>
    public static LeastSquaresFit Minimise(ResidualFunction residuals, int residualCount, double[] start, double[] lower, double[] upper,
        JacobianFunction? jacobian = null, LevenbergMarquardtOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(residuals);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        options ??= new LevenbergMarquardtOptions();
        var p = start.Length;
        var n = residualCount;
        if (lower.Length != p || upper.Length != p || n < p)
        {
            throw new ArgumentException($"Give {p} lower and upper bounds and at least {p} residuals (got {lower.Length}, {upper.Length} and {n}).", nameof(start));
        }

        for (var j = 0; j < p; j++)
        {
            if (!(start[j] >= lower[j] && start[j] <= upper[j]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Start value {j} ({start[j]}) lies outside its bounds [{lower[j]}, {upper[j]}]; start inside them."), nameof(start));
            }
        }

        var theta = (double[])start.Clone();
        var r = new double[n];
        residuals(theta, r);
        var cost = HalfSumOfSquares(r);
        if (!double.IsFinite(cost))
        {
            throw new ArgumentException("The residuals at the start are not finite; choose a start where the model can be evaluated.", nameof(start));
        }

        var j2 = new double[n, p];
        var trial = new double[p];
        var trialR = new double[n];
        var lambda = 1e-3;
        var message = "iteration limit";
        var converged = false;
        var iteration = 0;
        for (; iteration < options.MaxIterations; iteration++)
        {
            Jacobian(residuals, jacobian, theta, r, j2, lower, upper, options.FiniteDifferenceStep);
            var (jtj, gradient) = NormalEquations(j2, r);
            var improved = false;
            while (lambda < 1e16)
            {
                var a = (double[,])jtj.Clone();
                for (var k = 0; k < p; k++)
                {
                    a[k, k] += lambda * Math.Max(jtj[k, k], 1e-12);
                }

                var step = gradient.Select(g => -g).ToArray();
                var factor = LinearAlgebra.Cholesky(a);
                if (factor is null)
                {
                    lambda *= 10;
                    continue;
                }

                LinearAlgebra.Solve(factor, step);
                var stepNorm = 0.0;
                var thetaNorm = 0.0;
                for (var k = 0; k < p; k++)
                {
                    trial[k] = Math.Clamp(theta[k] + step[k], lower[k], upper[k]); // projection onto the bounds
                    stepNorm += (trial[k] - theta[k]) * (trial[k] - theta[k]);
                    thetaNorm += theta[k] * theta[k];
                }

                if (Math.Sqrt(stepNorm) < options.StepTolerance * (Math.Sqrt(thetaNorm) + options.StepTolerance))
                {
                    message = "step below tolerance";
                    converged = true;
                    break;
                }

                residuals(trial, trialR);
                var trialCost = HalfSumOfSquares(trialR);
                if (double.IsFinite(trialCost) && trialCost < cost)
                {
                    var decrease = (cost - trialCost) / Math.Max(cost, 1e-300);
                    trial.CopyTo(theta, 0);
                    trialR.CopyTo(r, 0);
                    cost = trialCost;
                    lambda = Math.Max(lambda / 10, 1e-12);
                    improved = true;
                    if (decrease < options.CostTolerance)
                    {
                        message = "cost decrease below tolerance";
                        converged = true;
                    }

                    break;
                }

                lambda *= 10;
            }

            if (converged)
            {
                break;
            }

            if (!improved)
            {
                message = "no step reduces the cost (a local minimum within the bounds)";
                converged = true;
                break;
            }
        }

        Jacobian(residuals, jacobian, theta, r, j2, lower, upper, options.FiniteDifferenceStep);
        var (information, _) = NormalEquations(j2, r);
        var scale = options.ResidualsStandardised ? 1.0 : 2 * cost / Math.Max(n - p, 1);
        double[,]? covariance = null;
        var errors = Enumerable.Repeat(double.NaN, p).ToArray();
        if (LinearAlgebra.Cholesky(information) is not null)
        {
            covariance = LinearAlgebra.InverseSymmetric(information);
            for (var a = 0; a < p; a++)
            {
                for (var b = 0; b < p; b++)
                {
                    covariance[a, b] *= scale;
                }

                errors[a] = Math.Sqrt(covariance[a, a]);
            }
        }

        var atBound = theta.Select((t, k) => t <= lower[k] || t >= upper[k]).ToArray();
        return new LeastSquaresFit(theta, cost, iteration + 1, converged, message, covariance, errors, atBound);
    }

    /// <summary>Runs <see cref="Minimise"/> from the given start and from <paramref name="extraStarts"/> points drawn
    /// uniformly inside the bounds (which must then be finite), stream (seed, "lm.multistart"); returns all fits, best first.</summary>
    /// <param name="residuals">r(θ).</param>
    /// <param name="residualCount">n.</param>
    /// <param name="start">A first start.</param>
    /// <param name="lower">Lower bounds.</param>
    /// <param name="upper">Upper bounds.</param>
    /// <param name="extraStarts">Additional random starts.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="jacobian">J(θ) or null.</param>
    /// <param name="options">Settings.</param>
    /// <returns>The fits, lowest cost first.</returns>
    public static IReadOnlyList<LeastSquaresFit> MultiStart(ResidualFunction residuals, int residualCount, double[] start, double[] lower, double[] upper,
        int extraStarts, ulong seed, JacobianFunction? jacobian = null, LevenbergMarquardtOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (extraStarts > 0 && (lower.Any(v => !double.IsFinite(v)) || upper.Any(v => !double.IsFinite(v))))
        {
            throw new ArgumentException("Random starts need finite bounds on every parameter.", nameof(lower));
        }

        var fits = new List<LeastSquaresFit> { Minimise(residuals, residualCount, start, lower, upper, jacobian, options) };
        var stream = RandomStream.For(seed, "lm.multistart");
        for (var s = 0; s < extraStarts; s++)
        {
            var point = lower.Select((l, k) => l + ((upper[k] - l) * stream.NextDouble())).ToArray();
            try
            {
                fits.Add(Minimise(residuals, residualCount, point, lower, upper, jacobian, options));
            }
            catch (ArgumentException)
            {
                // A random start where the model cannot be evaluated is skipped; the count of fits shows how many ran.
            }
        }

        return [.. fits.OrderBy(f => f.Cost)];
    }

    /// <summary>The profile of the cost for parameter <paramref name="index"/>: at each value the parameter is fixed and
    /// the others re-fitted (from the best fit). With standardised residuals, values within a cost increase of
    /// χ²₁(0.95)/2 = 1.92 form a 95 % profile-likelihood interval; a flat profile reveals a non-identifiable parameter.</summary>
    /// <param name="residuals">r(θ).</param>
    /// <param name="residualCount">n.</param>
    /// <param name="best">The best fit.</param>
    /// <param name="lower">Lower bounds.</param>
    /// <param name="upper">Upper bounds.</param>
    /// <param name="index">The profiled parameter.</param>
    /// <param name="values">The values to fix it at.</param>
    /// <param name="options">Settings.</param>
    /// <returns>(value, minimal cost) pairs.</returns>
    public static IReadOnlyList<(double Value, double Cost)> Profile(ResidualFunction residuals, int residualCount, LeastSquaresFit best,
        double[] lower, double[] upper, int index, IEnumerable<double> values, LevenbergMarquardtOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(best);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        var p = best.Parameters.Length;
        var free = Enumerable.Range(0, p).Where(k => k != index).ToArray();
        var result = new List<(double, double)>();
        foreach (var value in values)
        {
            var full = (double[])best.Parameters.Clone();
            full[index] = value;
            if (free.Length == 0)
            {
                var r = new double[residualCount];
                residuals(full, r);
                result.Add((value, HalfSumOfSquares(r)));
                continue;
            }

            void Reduced(ReadOnlySpan<double> q, Span<double> r)
            {
                var theta = (double[])full.Clone();
                for (var k = 0; k < free.Length; k++)
                {
                    theta[free[k]] = q[k];
                }

                residuals(theta, r);
            }

            var fit = Minimise(Reduced, residualCount, [.. free.Select(k => best.Parameters[k])], [.. free.Select(k => lower[k])], [.. free.Select(k => upper[k])], null, options);
            result.Add((value, fit.Cost));
        }

        return result;
    }

    private static double HalfSumOfSquares(ReadOnlySpan<double> r)
    {
        var sum = 0.0;
        foreach (var v in r)
        {
            sum += v * v;
        }

        return 0.5 * sum;
    }

    private static void Jacobian(ResidualFunction residuals, JacobianFunction? jacobian, double[] theta, double[] r, double[,] j, double[] lower, double[] upper, double relativeStep)
    {
        if (jacobian is not null)
        {
            jacobian(theta, j);
            return;
        }

        var n = r.Length;
        var shifted = new double[n];
        for (var k = 0; k < theta.Length; k++)
        {
            var h = relativeStep * Math.Max(Math.Abs(theta[k]), 1e-3);
            if (theta[k] + h > upper[k])
            {
                h = -h; // step inwards at an upper bound
            }

            var original = theta[k];
            theta[k] = original + h;
            residuals(theta, shifted);
            theta[k] = original;
            for (var i = 0; i < n; i++)
            {
                j[i, k] = (shifted[i] - r[i]) / h;
            }
        }
    }

    private static (double[,] JtJ, double[] Gradient) NormalEquations(double[,] j, double[] r)
    {
        int n = j.GetLength(0), p = j.GetLength(1);
        var jtj = new double[p, p];
        var g = new double[p];
        for (var i = 0; i < n; i++)
        {
            for (var a = 0; a < p; a++)
            {
                g[a] += j[i, a] * r[i];
                for (var b = 0; b < p; b++)
                {
                    jtj[a, b] += j[i, a] * j[i, b];
                }
            }
        }

        return (jtj, g);
    }
}
