namespace TwinLab.Simulation;

/// <summary>
/// The coefficients of a stiffly accurate Rosenbrock method of the RODAS family in the transformed form of Hairer and
/// Wanner (Solving ODE II, §IV.7, eq. 7.25): with W = I/(hγ) − J,
/// <c>W k_i = f(t + c_i h, y + Σ_j A_ij k_j) + h d_i ∂f/∂t + Σ_j (C_ij / h) k_j</c> for i = 1..s,
/// <c>y_new = y + Σ_j A_sj k_j + k_s</c> (the last stage point plus k_s), with k_s itself the embedded error estimate,
/// and the dense output <c>y(θ) = (1 − θ) y + θ (y_new + (1 − θ)(K_1 + θ (K_2 + θ K_3 …)))</c>, K_r = Σ_j H_rj k_j.
/// </summary>
internal sealed class RosenbrockTableau
{
    private RosenbrockTableau(string name, int order, double gamma, double[][] a, double[][] c, double[] nodes, double[] d, double[][] h)
    {
        Name = name;
        Order = order;
        Gamma = gamma;
        A = a;
        C = c;
        Nodes = nodes;
        D = d;
        H = h;
    }

    public string Name { get; }

    /// <summary>The order of the method; the embedded estimate has order one less.</summary>
    public int Order { get; }

    /// <summary>The diagonal coefficient γ.</summary>
    public double Gamma { get; }

    /// <summary>A_ij (j &lt; i), row i of length i: the stage points.</summary>
    public double[][] A { get; }

    /// <summary>C_ij (j &lt; i), row i of length i: the coupling of earlier stages into the right-hand side.</summary>
    public double[][] C { get; }

    /// <summary>The stage times c_i = Σ_j α_ij.</summary>
    public double[] Nodes { get; }

    /// <summary>The time-derivative weights d_i = Σ_j γ_ij (γ_ii included).</summary>
    public double[] D { get; }

    /// <summary>The dense-output coefficients: row r gives K_{r+1} = Σ_j H_rj k_j.</summary>
    public double[][] H { get; }

    public int Stages => Nodes.Length;

    /// <summary>
    /// Rodas5P of G. Steinebach, Construction of Rosenbrock–Wanner method Rodas5P and numerical benchmarks within the
    /// Julia Differential Equations package, BIT Numer. Math. 63 (2023) 27, doi:10.1007/s10543-023-00967-x: 8 stages,
    /// order 5, stiffly accurate and L-stable, embedded order 4, dense output of order 4. The numbers are those
    /// published with OrdinaryDiffEq.jl (Rodas5PTableau, the implementation the paper benchmarks). They satisfy c_i = Σ_j α_ij
    /// and d_i = Σ_j γ_ij to 1e-14 after transformation back to the classical form, and give measured orders 5 (the
    /// step), 4 (the estimate) and 4 (the interpolant).
    /// </summary>
    public static RosenbrockTableau Rodas5P { get; } = new(
        "Rodas5P",
        5,
        0.21193756319429014,
        [
            [],
            [3.0],
            [2.849394379747939, 0.45842242204463923],
            [-6.954028509809101, 2.489845061869568, -10.358996098473584],
            [2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641],
            [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946],
            [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946, 1],
            [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946, 1, 1],
        ],
        [
            [],
            [-14.155112264123755],
            [-17.97296035885952, -2.859693295451294],
            [147.12150275711716, -1.41221402718213, 71.68940251302358],
            [165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306],
            [24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471],
            [30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623, -28.087943162872662],
            [37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002, -54.66780262877968, -9.48861652309627],
        ],
        [0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664, 1, 1, 1],
        [0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734, 2.325825639765069, 0, 0, 0],
        [
            [25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204, 0.524948541321073, 1.1241088310450404, 0.4272876194431874, -0.17202221070155493],
            [-9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796, 20.176138334709044, 15.98066361424651, -6.789040303419874, -6.710236069923372],
            [11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643, -52.072871366152654, -59.78993625266729, -0.15582684282751913, 4.883087185713722],
        ]);
}
