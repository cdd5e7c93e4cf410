using TwinLab.Core.Distributions;
using TwinLab.Core.Randomness;
using TwinLab.Inference.Sbi;

namespace TwinLab.Inference.Tasks;

/// <summary>
/// sbibm's <c>gaussian_linear</c> (prior N(0, 0.1·I₁₀)) or <c>gaussian_linear_uniform</c> (prior U(−1, 1)¹⁰); both
/// simulate x ~ N(θ, 0.1·I₁₀). Posteriors: N(x/2, 0.05·I) and, for the uniform prior, independent normals N(xᵢ, 0.1)
/// truncated to [−1, 1].
/// </summary>
public sealed class GaussianLinearTask : BenchmarkTask
{
    private const int Dimension = 10;
    private const double Variance = 0.1;
    private readonly bool _uniform;

    /// <summary>Creates the task.</summary>
    /// <param name="uniformPrior">True for <c>gaussian_linear_uniform</c>.</param>
    public GaussianLinearTask(bool uniformPrior)
        : base(MakePrior(uniformPrior), new Simulator(Numbered("data_", Dimension), Simulate))
    {
        _uniform = uniformPrior;
    }

    /// <inheritdoc />
    public override string Name => _uniform ? "gaussian_linear_uniform" : "gaussian_linear";

    /// <inheritdoc />
    public override bool HasAnalyticPosterior => true;

    /// <inheritdoc />
    public override bool HasTractableLikelihood => true;

    private static ParameterPrior MakePrior(bool uniform)
    {
        if (uniform)
        {
            return ParameterPrior.Repeated(Dimension, new Uniform(-1, 1), "parameter_");
        }

        var covariance = new double[Dimension, Dimension];
        for (var i = 0; i < Dimension; i++)
        {
            covariance[i, i] = Variance;
        }

        return ParameterPrior.Gaussian(Numbered("parameter_", Dimension), new MultivariateNormal(new double[Dimension], covariance));
    }

    private static void Simulate(ReadOnlySpan<double> theta, Span<double> x, ref RandomStream stream)
    {
        var sd = Math.Sqrt(Variance);
        for (var i = 0; i < Dimension; i++)
        {
            x[i] = theta[i] + (sd * stream.NextNormal());
        }
    }

    /// <inheritdoc />
    public override double LogLikelihood(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation)
    {
        var sum = 0.0;
        for (var i = 0; i < Dimension; i++)
        {
            var r = observation[i] - parameters[i];
            sum -= r * r / (2 * Variance);
        }

        return sum;
    }

    /// <inheritdoc />
    public override PosteriorSamples SampleReferencePosterior(ReadOnlySpan<double> observation, int count, ulong seed)
    {
        var values = new double[count * Dimension];
        var stream = RandomStream.For(seed, "task.reference");
        var components = new Distribution[Dimension];
        for (var i = 0; i < Dimension; i++)
        {
            components[i] = _uniform
                ? new TruncatedNormal(observation[i], Math.Sqrt(Variance), -1, 1)
                : new Normal(observation[i] / 2, Math.Sqrt(Variance / 2));
        }

        for (var n = 0; n < count; n++)
        {
            for (var i = 0; i < Dimension; i++)
            {
                values[(n * Dimension) + i] = components[i].Sample(ref stream);
            }
        }

        return new PosteriorSamples(Prior.Names, values, count, count);
    }
}

/// <summary>
/// sbibm's <c>two_moons</c>: θ ~ U(−1, 1)², a ~ U(−π/2, π/2), r ~ N(0.1, 0.01²), p = (r cos a + 0.25, r sin a),
/// x = p + (−|θ₁ + θ₂|/√2, (−θ₁ + θ₂)/√2). The likelihood is tractable: with q = x − z(θ) − (0.25, 0), r = |q|
/// and a = atan2(q₂, q₁) ∈ (−π/2, π/2), p(x | θ) = N(r; 0.1, 0.01²) / (π r).
/// </summary>
public sealed class TwoMoonsTask : BenchmarkTask
{
    /// <summary>Creates the task.</summary>
    public TwoMoonsTask()
        : base(ParameterPrior.Repeated(2, new Uniform(-1, 1), "parameter_"), new Simulator(Numbered("data_", 2), Simulate))
    {
    }

    /// <inheritdoc />
    public override string Name => "two_moons";

    /// <inheritdoc />
    public override bool HasTractableLikelihood => true;

    private static void Simulate(ReadOnlySpan<double> theta, Span<double> x, ref RandomStream stream)
    {
        var a = (Math.PI * stream.NextDouble()) - (Math.PI / 2);
        var r = 0.1 + (0.01 * stream.NextNormal());
        x[0] = (r * Math.Cos(a)) + 0.25 - (Math.Abs(theta[0] + theta[1]) / Math.Sqrt(2));
        x[1] = (r * Math.Sin(a)) + ((-theta[0] + theta[1]) / Math.Sqrt(2));
    }

    /// <inheritdoc />
    public override double LogLikelihood(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation)
    {
        var q1 = observation[0] + (Math.Abs(parameters[0] + parameters[1]) / Math.Sqrt(2)) - 0.25;
        var q2 = observation[1] - ((-parameters[0] + parameters[1]) / Math.Sqrt(2));
        if (q1 <= 0)
        {
            return double.NegativeInfinity;
        }

        var r = Math.Sqrt((q1 * q1) + (q2 * q2));
        var z = (r - 0.1) / 0.01;
        return (-0.5 * z * z) - Math.Log(0.01 * Math.Sqrt(2 * Math.PI)) - Math.Log(Math.PI * r);
    }
}

/// <summary>
/// sbibm's <c>slcp</c>: θ ~ U(−3, 3)⁵; m = (θ₁, θ₂), s₁ = θ₃², s₂ = θ₄², ρ = tanh θ₅,
/// Σ = [[s₁² + 10⁻⁶, ρ s₁ s₂], [ρ s₁ s₂, s₂² + 10⁻⁶]]; x = four independent draws of N(m, Σ) (8 numbers).
/// </summary>
public sealed class SlcpTask : BenchmarkTask
{
    /// <summary>Creates the task.</summary>
    public SlcpTask()
        : base(ParameterPrior.Repeated(5, new Uniform(-3, 3), "parameter_"), new Simulator(Numbered("data_", 8), Simulate))
    {
    }

    /// <inheritdoc />
    public override string Name => "slcp";

    /// <inheritdoc />
    public override bool HasTractableLikelihood => true;

    private static (double L11, double L21, double L22) Cholesky(ReadOnlySpan<double> theta)
    {
        double s1 = theta[2] * theta[2], s2 = theta[3] * theta[3], rho = Math.Tanh(theta[4]);
        double a = (s1 * s1) + 1e-6, b = rho * s1 * s2, c = (s2 * s2) + 1e-6;
        var l11 = Math.Sqrt(a);
        var l21 = b / l11;
        var l22 = Math.Sqrt(Math.Max(c - (l21 * l21), 0));
        return (l11, l21, l22);
    }

    private static void Simulate(ReadOnlySpan<double> theta, Span<double> x, ref RandomStream stream)
    {
        var (l11, l21, l22) = Cholesky(theta);
        for (var k = 0; k < 4; k++)
        {
            double e1 = stream.NextNormal(), e2 = stream.NextNormal();
            x[2 * k] = theta[0] + (l11 * e1);
            x[(2 * k) + 1] = theta[1] + (l21 * e1) + (l22 * e2);
        }
    }

    /// <inheritdoc />
    public override double LogLikelihood(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation)
    {
        var (l11, l21, l22) = Cholesky(parameters);
        if (!(l22 > 0))
        {
            return double.NegativeInfinity;
        }

        var sum = 0.0;
        for (var k = 0; k < 4; k++)
        {
            var z1 = (observation[2 * k] - parameters[0]) / l11;
            var z2 = (observation[(2 * k) + 1] - parameters[1] - (l21 * z1)) / l22;
            sum += (-0.5 * ((z1 * z1) + (z2 * z2))) - Math.Log(l11 * l22) - Math.Log(2 * Math.PI);
        }

        return sum;
    }
}

/// <summary>
/// sbibm's <c>gaussian_mixture</c>: θ ~ U(−10, 10)², x ~ ½ N(θ, I) + ½ N(θ, 0.1²·I). The posterior is the same
/// mixture centred on x, truncated to the prior box (drawn by rejection, as sbibm does).
/// </summary>
public sealed class GaussianMixtureTask : BenchmarkTask
{
    /// <summary>Creates the task.</summary>
    public GaussianMixtureTask()
        : base(ParameterPrior.Repeated(2, new Uniform(-10, 10), "parameter_"), new Simulator(Numbered("data_", 2), Simulate))
    {
    }

    /// <inheritdoc />
    public override string Name => "gaussian_mixture";

    /// <inheritdoc />
    public override bool HasAnalyticPosterior => true;

    /// <inheritdoc />
    public override bool HasTractableLikelihood => true;

    private static void Simulate(ReadOnlySpan<double> theta, Span<double> x, ref RandomStream stream)
    {
        var scale = stream.NextDouble() < 0.5 ? 1.0 : 0.1;
        x[0] = theta[0] + (scale * stream.NextNormal());
        x[1] = theta[1] + (scale * stream.NextNormal());
    }

    /// <inheritdoc />
    public override double LogLikelihood(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation)
    {
        double d0 = observation[0] - parameters[0], d1 = observation[1] - parameters[1], q = (d0 * d0) + (d1 * d1);
        var wide = Math.Log(0.5) - Math.Log(2 * Math.PI) - (0.5 * q);
        var narrow = Math.Log(0.5) - Math.Log(2 * Math.PI * 0.01) - (0.5 * q / 0.01);
        var max = Math.Max(wide, narrow);
        return max + Math.Log(Math.Exp(wide - max) + Math.Exp(narrow - max));
    }

    /// <inheritdoc />
    public override PosteriorSamples SampleReferencePosterior(ReadOnlySpan<double> observation, int count, ulong seed)
    {
        var values = new double[count * 2];
        var stream = RandomStream.For(seed, "task.reference");
        long proposed = 0;
        var kept = 0;
        Span<double> theta = stackalloc double[2];
        while (kept < count)
        {
            proposed++;
            var scale = stream.NextDouble() < 0.5 ? 1.0 : 0.1;
            theta[0] = observation[0] + (scale * stream.NextNormal());
            theta[1] = observation[1] + (scale * stream.NextNormal());
            if (Prior.InSupport(theta))
            {
                theta.CopyTo(values.AsSpan(kept * 2, 2));
                kept++;
            }
        }

        return new PosteriorSamples(Prior.Names, values, proposed, count);
    }
}
