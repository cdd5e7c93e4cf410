using TwinLab.Core.Distributions;
using TwinLab.Core.Randomness;

namespace TwinLab.Inference.Tasks;

/// <summary>
/// sbibm's <c>bernoulli_glm</c>: a generalised linear model of a spiking neuron driven by 100 steps of white-noise
/// stimulus I (NumPy's <c>RandomState(42).randn(100)</c> as float32, sbibm's frozen stimulus). Design matrix X
/// (100 × 10): X[t, 0] = 1, X[t, 1 + j] = I[t − j] (0 before the start). θ ~ N(0, B⁻¹) with B = blockdiag(0.5, FᵀF),
/// F = D² + diag(√(i/9)), D the 9 × 9 first-difference matrix; y_t ~ Bernoulli(σ((Xθ)_t)); x = Xᵀy (spike count and
/// spike-triggered sums: sbibm's summary, which is sufficient, so the likelihood in x is θᵀx − Σ_t ln(1 + e^{(Xθ)_t})).
/// </summary>
public sealed class BernoulliGlmTask : BenchmarkTask
{
    internal static readonly float[] Stimulus =
    [
        0.49671414494514465f, -0.13826429843902588f, 0.6476885676383972f, 1.5230298042297363f, -0.2341533750295639f,
        -0.23413695394992828f, 1.5792127847671509f, 0.7674347162246704f, -0.4694743752479553f, 0.5425600409507751f,
        -0.4634176790714264f, -0.4657297432422638f, 0.241962268948555f, -1.9132802486419678f, -1.7249178886413574f,
        -0.5622875094413757f, -1.0128310918807983f, 0.31424733996391296f, -0.9080240726470947f, -1.4123036861419678f,
        1.4656487703323364f, -0.2257762998342514f, 0.06752820312976837f, -1.424748182296753f, -0.5443827509880066f,
        0.11092258989810944f, -1.1509935855865479f, 0.3756980299949646f, -0.6006386876106262f, -0.2916937470436096f,
        -0.6017066240310669f, 1.852278232574463f, -0.013497225008904934f, -1.057710886001587f, 0.8225449323654175f,
        -1.2208436727523804f, 0.20886360108852386f, -1.959670066833496f, -1.32818603515625f, 0.19686123728752136f,
        0.7384665608406067f, 0.1713682860136032f, -0.1156482845544815f, -0.3011036813259125f, -1.4785219430923462f,
        -0.7198442220687866f, -0.46063876152038574f, 1.0571222305297852f, 0.3436183035373688f, -1.7630401849746704f,
        0.32408398389816284f, -0.38508227467536926f, -0.6769220232963562f, 0.6116762757301331f, 1.0309995412826538f,
        0.9312801361083984f, -0.8392175436019897f, -0.3092123866081238f, 0.3312634229660034f, 0.9755451083183289f,
        -0.4791742265224457f, -0.18565897643566132f, -1.106334924697876f, -1.1962065696716309f, 0.8125258088111877f,
        1.3562400341033936f, -0.07201012223958969f, 1.003532886505127f, 0.3616360127925873f, -0.6451197266578674f,
        0.36139559745788574f, 1.538036584854126f, -0.03582603856921196f, 1.5646436214447021f, -2.6197450160980225f,
        0.8219025135040283f, 0.08704707026481628f, -0.2990073561668396f, 0.0917607769370079f, -1.9875688552856445f,
        -0.21967189013957977f, 0.3571125566959381f, 1.4778940677642822f, -0.5182701945304871f, -0.8084936141967773f,
        -0.501757025718689f, 0.9154021143913269f, 0.3287511169910431f, -0.5297601819038391f, 0.513267457485199f,
        0.09707754850387573f, 0.9686449766159058f, -0.7020530700683594f, -0.3276621401309967f, -0.39210814237594604f,
        -1.4635149240493774f, 0.296120285987854f, 0.26105526089668274f, 0.00511345686390996f, -0.23458713293075562f,
    ];

    private const int Steps = 100;
    private const int Dimension = 10;
    private static readonly double[] Design = BuildDesign();

    /// <summary>Creates the task.</summary>
    public BernoulliGlmTask()
        : base(ParameterPrior.Gaussian(Numbered("parameter_", Dimension), new MultivariateNormal(new double[Dimension], PriorCovariance())),
            new Simulator(Numbered("data_", Dimension), Simulate))
    {
    }

    /// <inheritdoc />
    public override string Name => "bernoulli_glm";

    /// <inheritdoc />
    public override bool HasTractableLikelihood => true;

    /// <summary>The prior precision B (10 × 10).</summary>
    internal static double[,] PriorPrecision()
    {
        const int m = Dimension - 1;
        var dd = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            // D² of the first-difference matrix D (1 on the diagonal, −1 below): 1, −2, 1 on the diagonal and the two below.
            dd[i, i] = 1;
            if (i >= 1)
            {
                dd[i, i - 1] = -2;
            }

            if (i >= 2)
            {
                dd[i, i - 2] = 1;
            }

            dd[i, i] += Math.Sqrt((double)i / m);
        }

        var b = new double[Dimension, Dimension];
        b[0, 0] = 0.5;
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++)
            {
                var s = 0.0;
                for (var k = 0; k < m; k++)
                {
                    s += dd[k, i] * dd[k, j];
                }

                b[i + 1, j + 1] = s;
            }
        }

        return b;
    }

    private static double[,] PriorCovariance()
    {
        var covariance = LinearAlgebra.InverseSymmetric(PriorPrecision());
        return covariance;
    }

    private static double[] BuildDesign()
    {
        var x = new double[Steps * Dimension];
        for (var t = 0; t < Steps; t++)
        {
            x[t * Dimension] = 1;
            for (var j = 0; j < Dimension - 1; j++)
            {
                x[(t * Dimension) + 1 + j] = t >= j ? Stimulus[t - j] : 0;
            }
        }

        return x;
    }

    private static double Drive(ReadOnlySpan<double> theta, int t)
    {
        var psi = 0.0;
        for (var j = 0; j < Dimension; j++)
        {
            psi += Design[(t * Dimension) + j] * theta[j];
        }

        return psi;
    }

    private static void Simulate(ReadOnlySpan<double> theta, Span<double> x, ref RandomStream stream)
    {
        x.Clear();
        for (var t = 0; t < Steps; t++)
        {
            var rate = 1.0 / (1.0 + Math.Exp(-Drive(theta, t)));
            if (stream.NextDouble() < rate)
            {
                for (var j = 0; j < Dimension; j++)
                {
                    x[j] += Design[(t * Dimension) + j];
                }
            }
        }
    }

    /// <inheritdoc />
    public override double LogLikelihood(ReadOnlySpan<double> parameters, ReadOnlySpan<double> observation)
    {
        var sum = 0.0;
        for (var j = 0; j < Dimension; j++)
        {
            sum += parameters[j] * observation[j];
        }

        for (var t = 0; t < Steps; t++)
        {
            var psi = Drive(parameters, t);
            sum -= Math.Max(psi, 0) + Math.Log(1 + Math.Exp(-Math.Abs(psi)));
        }

        return sum;
    }
}
