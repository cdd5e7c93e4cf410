namespace TwinLab.Simulation;

/// <summary>How a tableau's dense output is formed.</summary>
internal enum DenseOutput
{
    /// <summary>Tsitouras' fourth-order interpolant: y(θ) = y₀ + h Σ bᵢ(θ) kᵢ with quartic bᵢ.</summary>
    Tsitouras,
    /// <summary>Hairer's fourth-order continuous extension of Dormand–Prince (DOPRI5's CONTD5).</summary>
    DormandPrince,
    /// <summary>Cubic Hermite interpolation from the end-point values and derivatives.</summary>
    Hermite,
}

/// <summary>An explicit Runge–Kutta method: nodes c, coefficients a, weights b, error weights e (b − b̂).</summary>
internal sealed class ButcherTableau
{
    public required string Name { get; init; }
    public required double[] C { get; init; }
    public required double[][] A { get; init; }
    public required double[] B { get; init; }
    public double[]? E { get; init; }
    public required int ErrorOrder { get; init; }
    public required DenseOutput Dense { get; init; }

    /// <summary>First same as last: the last stage is evaluated at the new solution and reused as the next step's
    /// first stage.</summary>
    public bool Fsal { get; init; }

    /// <summary>Size of the stability region along the negative real axis (for stiffness detection).</summary>
    public double StabilityBoundary { get; init; } = double.PositiveInfinity;

    /// <summary>Tsitouras' dense-output coefficients rᵢₘ: bᵢ(θ) = Σₘ rᵢₘ θᵐ, m = 1..4.</summary>
    public double[][]? DenseCoefficients { get; init; }

    public int Stages => C.Length;

    /// <summary>Ch. Tsitouras, Runge–Kutta pairs of order 5(4) satisfying only the first column simplifying
    /// assumption, Computers &amp; Mathematics with Applications 62 (2011) 770–775, doi:10.1016/j.camwa.2011.06.002.</summary>
    public static ButcherTableau Tsitouras5 { get; } = new()
    {
        Name = "Tsit5",
        C = [0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1],
        A =
        [
            [],
            [0.161],
            [-0.008480655492356989, 0.335480655492357],
            [2.897153057105493, -6.359448489975075, 4.3622954328695815],
            [5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525],
            [5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401, -0.028269050394068383],
            [0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774],
        ],
        B = [0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774, 0],
        E =
        [
            -0.00178001105222577714, -0.0008164344596567469, 0.007880878010261995, -0.1447110071732629,
            0.5823571654525552, -0.45808210592918697, 0.015151515151515152,
        ],
        ErrorOrder = 4,
        Dense = DenseOutput.Tsitouras,
        Fsal = true,
        StabilityBoundary = 3.5,
        DenseCoefficients =
        [
            [1.0, -2.763706197274826, 2.9132554618219126, -1.0530884977290216],
            [0, 0.13169999999999998, -0.2234, 0.1017],
            [0, 3.9302962368947516, -5.941033872131505, 2.490627285651253],
            [0, -12.411077166933676, 30.33818863028232, -16.548102889244902],
            [0, 37.50931341651104, -88.1789048947664, 47.37952196281928],
            [0, -27.896526289197286, 65.09189467479366, -34.87065786149660],
            [0, 1.5, -4, 2.5],
        ],
    };

    /// <summary>J. R. Dormand, P. J. Prince, A family of embedded Runge–Kutta formulae, J. Comput. Appl. Math. 6
    /// (1980) 19–26, doi:10.1016/0771-050X(80)90013-3; dense output from Hairer, Nørsett and Wanner, Solving ODE I.</summary>
    public static ButcherTableau DormandPrince5 { get; } = new()
    {
        Name = "DormandPrince5",
        C = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1],
        A =
        [
            [],
            [1.0 / 5],
            [3.0 / 40, 9.0 / 40],
            [44.0 / 45, -56.0 / 15, 32.0 / 9],
            [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
            [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
            [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
        ],
        B = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0],
        E = [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40],
        ErrorOrder = 4,
        Dense = DenseOutput.DormandPrince,
        Fsal = true,
        StabilityBoundary = 3.3,
    };

    /// <summary>The classical fourth-order Runge–Kutta method (Kutta 1901).</summary>
    public static ButcherTableau ClassicalRungeKutta4 { get; } = new()
    {
        Name = "RK4",
        C = [0, 0.5, 0.5, 1],
        A = [[], [0.5], [0, 0.5], [0, 0, 1]],
        B = [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6],
        ErrorOrder = 3,
        Dense = DenseOutput.Hermite,
    };
}
