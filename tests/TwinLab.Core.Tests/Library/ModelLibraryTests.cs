using System.Globalization;
using System.Text.RegularExpressions;
using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.TestSupport;

namespace TwinLab.Core.Tests.Library;

public partial class ModelLibraryTests
{
    public static TheoryData<string> LibraryModels => [.. ModelLibrary.Names];

    private static readonly string[] Expected =
    [
        "claret-2009", "de-pillis-2005", "exponential", "exponential-linear", "gompertz", "kuznetsov", "logistic",
        "lorenz", "lotka-volterra", "norton-simon", "pk-infusion-1cmt", "pk-iv-1cmt", "pk-iv-2cmt", "pk-oral-1cmt",
        "pk-oral-2cmt", "simeoni-2004", "sir", "von-bertalanffy",
    ];

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    [Fact]
    public void The_library_holds_the_expected_models_with_unique_kebab_case_names()
    {
        var names = ModelLibrary.Names.ToArray();
        Assert.Equal(Expected, names);
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, name => Assert.Matches(KebabCase(), name));
        Assert.All(names, name => Assert.Same(ModelLibrary.Get(name), ModelLibrary.Get(name)));
    }

    [Theory]
    [MemberData(nameof(LibraryModels))]
    public void Every_model_is_documented_and_every_parameter_has_a_unit_bounds_and_a_prior(string name)
    {
        var model = ModelLibrary.Get(name);
        Assert.False(string.IsNullOrWhiteSpace(model.Description));
        Assert.NotEmpty(model.References);
        Assert.All(model.References, r => Assert.False(string.IsNullOrWhiteSpace(r.Citation)));
        Assert.All(model.States, s => Assert.False(string.IsNullOrWhiteSpace(s.Unit), $"{name}: state {s.Name} has no unit"));
        Assert.All(model.States, s => Assert.False(string.IsNullOrWhiteSpace(s.Description), $"{name}: state {s.Name} has no description"));
        foreach (var p in model.Parameters)
        {
            var label = $"{name}: parameter {p.Name}";
            Assert.False(string.IsNullOrWhiteSpace(p.Unit), $"{label} has no unit");
            Assert.False(string.IsNullOrWhiteSpace(p.Description), $"{label} has no description");
            Assert.True(double.IsFinite(p.Lower) && double.IsFinite(p.Upper), $"{label} has unbounded range [{p.Lower}, {p.Upper}]");
            Assert.True(p.Lower <= p.Value && p.Value <= p.Upper, $"{label} = {p.Value} lies outside [{p.Lower}, {p.Upper}]");
            Assert.NotNull(p.Prior);
        }
        Assert.All(model.Observables, o => Assert.False(string.IsNullOrWhiteSpace(o.Unit), $"{name}: observable {o.Name} has no unit"));
    }

    [Theory]
    [MemberData(nameof(LibraryModels))]
    public void The_right_hand_side_is_finite_at_the_initial_state(string name)
    {
        var model = ModelLibrary.Get(name);
        var p = model.NominalParameters();
        var y = model.Compiled.Initial(p);
        Assert.All(y, v => Assert.True(double.IsFinite(v)));
        var rhs = new double[y.Length];
        model.Compiled.RightHandSide(0, y, p, rhs);
        Assert.All(rhs, v => Assert.True(double.IsFinite(v), $"{name}: non-finite rate {v}"));
        var observables = new double[model.Observables.Count];
        model.Compiled.Observables(0, y, p, observables);
        Assert.All(observables, v => Assert.True(double.IsFinite(v), $"{name}: non-finite observable {v}"));
        var doses = new double[model.Treatments.Count];
        model.Compiled.DoseAmounts(0, y, p, doses);
        Assert.All(doses, v => Assert.True(double.IsFinite(v) && v > 0, $"{name}: dose {v}"));
    }

    private static double[] Rates(string name, double[] state, IReadOnlyDictionary<string, double>? overrides = null, double t = 0)
    {
        var model = ModelLibrary.Get(name);
        var p = overrides is null ? model.NominalParameters() : model.ParameterValues(overrides);
        var rhs = new double[state.Length];
        model.Compiled.RightHandSide(t, state, p, rhs);
        return rhs;
    }

    [Fact]
    public void Lotka_volterra_rates_at_the_initial_point_are_the_hand_computed_values()
    {
        // x = y = 1: dx/dt = 1.5·1 − 1·1·1 = 0.5; dy/dt = 1·1·1 − 3·1 = −2.
        var model = ModelLibrary.Get("lotka-volterra");
        var y0 = model.Compiled.Initial(model.NominalParameters());
        Assert.Equal([1.0, 1.0], y0);
        Assert.Equal([0.5, -2.0], Rates("lotka-volterra", y0));
        // At (2, 3): dx/dt = 1.5·2 − 2·3 = −3; dy/dt = 2·3 − 3·3 = −3.
        Assert.Equal([-3.0, -3.0], Rates("lotka-volterra", [2.0, 3.0]));
    }

    [Fact]
    public void Lorenz_rates_at_one_one_one_are_the_hand_computed_values()
    {
        // (1, 1, 1): dx = 10·(1 − 1) = 0; dy = 1·(28 − 1) − 1 = 26; dz = 1·1 − (8/3)·1 = −5/3.
        var rates = Rates("lorenz", [1.0, 1.0, 1.0]);
        Assert.Equal(0.0, rates[0]);
        Assert.Equal(26.0, rates[1]);
        Assert.Equal(1 - (8.0 / 3.0), rates[2], 15);
        // (1, 2, 3): dx = 10; dy = 1·25 − 2 = 23; dz = 2 − 8 = −6.
        var other = Rates("lorenz", [1.0, 2.0, 3.0]);
        Assert.Equal(10.0, other[0]);
        Assert.Equal(23.0, other[1]);
        Assert.Equal(-6.0, other[2], 14);
    }

    [Fact]
    public void Sir_conserves_the_population_and_matches_the_hand_computed_rates()
    {
        var model = ModelLibrary.Get("sir");
        var y0 = model.Compiled.Initial(model.NominalParameters());
        Assert.Equal([990.0, 10.0, 0.0], y0);
        // Infection 0.3·990·10/1000 = 2.97, recovery 0.1·10 = 1.
        var rates = Rates("sir", y0);
        Assert.Equal(-2.97, rates[0], 12);
        Assert.Equal(1.97, rates[1], 12);
        Assert.Equal(1.0, rates[2], 12);
        foreach (var state in new[] { y0, [500.0, 300.0, 200.0], [1e6, 1.0, 3.0], [0.2, 0.7, 0.1] })
        {
            var r = Rates("sir", state);
            var scale = r.Max(Math.Abs);
            Assert.True(Math.Abs(r.Sum()) <= 1e-12 * scale, $"S+I+R changes at rate {r.Sum()} (scale {scale})");
        }
    }

    [Theory]
    [InlineData("pk-iv-2cmt")]
    [InlineData("pk-oral-2cmt")]
    public void Two_compartment_pharmacokinetics_conserve_the_amount_except_for_elimination(string name)
    {
        var model = ModelLibrary.Get(name);
        var p = model.NominalParameters();
        var cl = p[model.ParameterIndex("CL")];
        var v1 = p[model.ParameterIndex("V1")];
        var central = model.StateIndex("A_c");
        foreach (var seed in new[] { 1.0, 7.0, 31.0 })
        {
            var state = Enumerable.Range(0, model.States.Count).Select(i => seed * (i + 1) * 3.7).ToArray();
            var rates = Rates(name, state);
            var elimination = cl / v1 * state[central];
            Assert.Equal(-elimination, rates.Sum(), 1e-12 * Math.Max(1, rates.Max(Math.Abs)));
        }
    }

    [Fact]
    public void One_compartment_pharmacokinetics_decline_at_the_elimination_rate()
    {
        // dA/dt = −(CL/V)·A = −(5/50)·100 = −10 mg/h; during an infusion R = 100 mg/h is added by the solver.
        Assert.Equal(-10.0, Rates("pk-iv-1cmt", [100.0])[0], 12);
        Assert.Equal(-10.0, Rates("pk-infusion-1cmt", [100.0])[0], 12);
        var infusion = Assert.IsType<Infusion>(Assert.Single(ModelLibrary.Get("pk-infusion-1cmt").Treatments));
        Assert.Equal(1.0, infusion.Duration);
    }

    [Fact]
    public void Von_bertalanffy_and_exponential_linear_match_their_closed_forms()
    {
        // a V^(2/3) − b V at V = 8: 2·4 − 0.15·8 = 6.8.
        Assert.Equal(6.8, Rates("von-bertalanffy", [8.0])[0], 12);
        // Far below a1/a0 the growth is exponential, far above it is linear at a1.
        Assert.Equal(0.3, Rates("exponential-linear", [1.0])[0], 12);
        Assert.Equal(100.0, Rates("exponential-linear", [1e5])[0], 9);
        // At V = a1/a0 the two phases meet: a0 V / 2^(1/20).
        var switchVolume = 100 / 0.3;
        Assert.Equal(100 / Math.Pow(2, 1.0 / 20), Rates("exponential-linear", [switchVolume])[0], 9);
    }

    [Fact]
    public void Norton_simon_kill_is_proportional_to_the_untreated_growth_rate()
    {
        var untreated = Rates("norton-simon", [100.0, 0.0]);
        Assert.Equal(0.1 * 100 * Math.Log(20), untreated[0], 12);
        var treated = Rates("norton-simon", [100.0, 5.0]);
        Assert.Equal((1 - (0.3 * 5)) * untreated[0], treated[0], 12);
        Assert.Equal(-5.0, treated[1], 12);
    }

    [Fact]
    public void Simeoni_transit_compartments_conserve_the_damaged_mass()
    {
        var model = ModelLibrary.Get("simeoni-2004");
        var p = model.NominalParameters();
        double[] state = [0.4, 0.1, 0.05, 0.02, 10.0];
        var rates = Rates("simeoni-2004", state);
        // Untreated growth plus transit: d(x1 + x2 + x3 + x4)/dt = growth − k1 x4.
        var lambda0 = p[model.ParameterIndex("lambda_0")];
        var lambda1 = p[model.ParameterIndex("lambda_1")];
        var k1 = p[model.ParameterIndex("k_1")];
        var w = 0.4 + 0.1 + 0.05 + 0.02;
        var growth = lambda0 * 0.4 / Math.Pow(1 + Math.Pow(lambda0 * w / lambda1, 20), 1.0 / 20);
        Assert.Equal(growth - (k1 * 0.02), rates[0] + rates[1] + rates[2] + rates[3], 12);
        // The drug moves k2 c x1 from x1 to x2: c = A / V.
        var c = 10.0 / p[model.ParameterIndex("V")];
        Assert.Equal((p[model.ParameterIndex("k_2")] * c * 0.4) - (k1 * 0.1), rates[1], 12);
    }

    [Fact]
    public void Claret_shrinkage_fades_with_time()
    {
        // At t = 0: (0.02 − 0.06)·100 = −4 mm/wk; at t = 20 wk: (0.02 − 0.06 e^{−1})·100.
        Assert.Equal(-4.0, Rates("claret-2009", [100.0])[0], 12);
        Assert.Equal((0.02 - (0.06 * Math.Exp(-1))) * 100, Rates("claret-2009", [100.0], t: 20)[0], 12);
        Assert.Equal(2.0, Rates("claret-2009", [100.0], new Dictionary<string, double> { ["exposure"] = 0 })[0], 12);
    }

    [Fact]
    public void De_pillis_matches_the_published_equations_and_stays_finite_without_tumour()
    {
        var model = ModelLibrary.Get("de-pillis-2005");
        var p = model.NominalParameters();
        double P(string name) => p[model.ParameterIndex(name)];
        double[] state = [2e7, 3e5, 4e5, 6e10, 0.5, 1e5];
        var (t, n, l, c, m, i) = (state[0], state[1], state[2], state[3], state[4], state[5]);
        var ratio = Math.Pow(l / t, P("l"));
        var d = P("d") * ratio / (P("s") + ratio);
        var kill = 1 - Math.Exp(-m);
        var rates = Rates("de-pillis-2005", state);
        var expected = new[]
        {
            (P("a") * t * (1 - (P("b") * t))) - (P("c") * n * t) - (d * t) - (P("K_T") * kill * t),
            (P("e") * c) - (P("f") * n) + (P("g") * t * t / (P("h") + (t * t)) * n) - (P("p") * n * t) - (P("K_N") * kill * n),
            (-P("m") * l) + (P("j") * d * d * t * t / (P("k") + (d * d * t * t)) * l) - (P("q") * l * t)
                + (((P("r1") * n) + (P("r2") * c)) * t) - (P("u") * n * l * l) - (P("K_L") * kill * l)
                + (P("p_I") * l * i / (P("g_I") + i)),
            P("alpha") - (P("beta") * c) - (P("K_C") * kill * c),
            -P("gamma") * m,
            -P("mu_I") * i,
        };
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k], rates[k], Math.Abs(expected[k]) * 1e-12);
        }

        // The tumour-free equilibrium of N and C is the initial state, and the model stays finite at T = 0.
        var y0 = model.Compiled.Initial(p);
        Assert.Equal(P("alpha") / P("beta"), y0[model.StateIndex("C")], 1e-3);
        Assert.Equal(P("e") * P("alpha") / (P("beta") * P("f")), y0[model.StateIndex("N")], 1e-6);
        var cleared = Rates("de-pillis-2005", [0, y0[1], 1e5, y0[3], 0, 0]);
        Assert.All(cleared, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(0.0, cleared[0]);
        var jacobian = new double[36];
        model.Compiled.Jacobian(0, [0, y0[1], 1e5, y0[3], 0, 0], p, jacobian);
        Assert.All(jacobian, v => Assert.True(double.IsFinite(v)));
    }

    /// <summary>An independent transcription of the de Pillis et al. (2006) equations, for the reference checks below:
    /// <c>rhs(y, P, exp, number)</c> with <c>P</c> a dictionary of the model's parameters by name.</summary>
    private const string DePillisPython = """
        import sys
        def rhs(y, P, exp, number):
            T, N, L, C, M, I = y
            r = (max(L, number(0)) / max(T, number('1e-6'))) ** P['l']
            DT = P['d'] * r / (P['s'] + r) * T
            F = 1 - exp(-M)
            return [P['a'] * T * (1 - P['b'] * T) - P['c'] * N * T - DT - P['K_T'] * F * T,
                    P['e'] * C - P['f'] * N + P['g'] * T * T / (P['h'] + T * T) * N - P['p'] * N * T - P['K_N'] * F * N,
                    -P['m'] * L + P['j'] * DT * DT / (P['k'] + DT * DT) * L - P['q'] * L * T + (P['r1'] * N + P['r2'] * C) * T
                        - P['u'] * N * L * L - P['K_L'] * F * L + P['p_I'] * L * I / (P['g_I'] + I),
                    P['alpha'] - P['beta'] * C - P['K_C'] * F * C, -P['gamma'] * M, -P['mu_I'] * I]

        """;

    private static string Join(IEnumerable<double> values) =>
        string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    [Fact]
    public void De_pillis_default_chemotherapy_turns_tumour_escape_into_elimination()
    {
        // SciPy's LSODA integrates the transcription from TwinLab's initial state, untreated and with the model's
        // chemotherapy infusions (restarting at every infusion start and end); 90 days.
        const string script = DePillisPython + """
            import math
            from scipy.integrate import solve_ivp
            names = sys.argv[1].split(',')
            P = dict(zip(names, map(float, sys.argv[2].split(','))))
            y0 = list(map(float, sys.argv[3].split(',')))
            starts = list(map(float, sys.argv[4].split(',')))
            duration = float(sys.argv[5]); rate = P['v_M']
            def run(treated):
                edges = sorted({0.0, 90.0} | ({t for s in starts for t in (s, s + duration)} if treated else set()))
                y = y0
                for a, b in zip(edges, edges[1:]):
                    on = treated and any(s <= a < s + duration for s in starts)
                    f = lambda t, x: [v + (rate if on and i == 4 else 0) for i, v in enumerate(rhs(x, P, math.exp, float))]
                    y = solve_ivp(f, (a, b), y, method='LSODA', rtol=1e-8, atol=1e-6).y[:, -1]
                return y[0]
            print(repr(run(False)), repr(run(True)))
            """;
        var model = ModelLibrary.Get("de-pillis-2005");
        var p = model.NominalParameters();
        var infusion = Assert.IsType<Infusion>(Assert.Single(model.Treatments));
        var output = DebianPython.Run(script, "", string.Join(",", model.Parameters.Select(q => q.Name)), Join(p),
            Join(model.Compiled.Initial(p)), Join(infusion.Schedule.Times), Join([infusion.Duration]));
        var finals = output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(finals[0] > 0.5 / p[model.ParameterIndex("b")], $"untreated tumour after 90 days: {finals[0]:G3} cells");
        Assert.True(finals[1] < 1, $"treated tumour after 90 days: {finals[1]:G3} cells");
    }

    [Fact]
    public void De_pillis_jacobians_match_sixty_digit_finite_differences()
    {
        // The de Pillis rates add terms from 1e-2 to 1e8 cells/d, so double-precision finite differences cannot
        // resolve every Jacobian entry. The reference here is an independent transcription of the equations in
        // Python's decimal arithmetic at 60 significant digits, differentiated with central differences of relative
        // step 1e-25: truncation (~1e-50) and rounding (~1e-35) errors are far below the 1e-12 tolerance.
        const string script = DePillisPython + """
            from decimal import Decimal as D, getcontext
            getcontext().prec = 60
            names = sys.argv[1].split(',')
            p = [D(v) for v in sys.argv[2].split(',')]
            y = [D(v) for v in sys.argv[3].split(',')]
            rates = lambda y, pv: rhs(y, dict(zip(names, pv)), lambda x: x.exp(), D)
            def derivative(f, x, k):
                h = max(abs(x[k]), D(1)) * D('1e-25'); up = list(x); down = list(x); up[k] += h; down[k] -= h
                return [(a - b) / (2 * h) for a, b in zip(f(up), f(down))]
            columns = [derivative(lambda s: rates(s, p), y, j) for j in range(6)]
            print(' '.join(repr(float(columns[j][i])) for i in range(6) for j in range(6)))
            columns = [derivative(lambda q: rates(y, q), p, k) for k in range(len(p))]
            print(' '.join(repr(float(columns[k][i])) for i in range(6) for k in range(len(p))))
            """;
        var model = ModelLibrary.Get("de-pillis-2005");
        var p = model.NominalParameters();
        double[] y = [1.1e7, 3.5e5, 1.3e5, 8.7e10, 1.5, 1.6];
        var lines = DebianPython.Run(script, "", string.Join(",", model.Parameters.Select(q => q.Name)), Join(p), Join(y))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expectedJacobian = lines[0].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var expectedParameterJacobian = lines[1].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

        var jacobian = new double[36];
        model.Compiled.Jacobian(0, y, p, jacobian);
        var parameterJacobian = new double[6 * p.Length];
        model.Compiled.ParameterJacobian(0, y, p, parameterJacobian);
        for (var i = 0; i < jacobian.Length; i++)
        {
            Assert.True(Math.Abs(jacobian[i] - expectedJacobian[i]) <= 1e-12 * Math.Abs(expectedJacobian[i]) + 1e-300,
                $"J[{i / 6},{i % 6}] = {jacobian[i]}, reference {expectedJacobian[i]}");
        }
        for (var i = 0; i < parameterJacobian.Length; i++)
        {
            Assert.True(Math.Abs(parameterJacobian[i] - expectedParameterJacobian[i]) <= 1e-12 * Math.Abs(expectedParameterJacobian[i]) + 1e-300,
                $"dF[{i / p.Length}]/d{model.Parameters[i % p.Length].Name} = {parameterJacobian[i]}, reference {expectedParameterJacobian[i]}");
        }
    }

    [Fact]
    public void Published_parameter_values_are_as_in_the_sources()
    {
        var simeoni = ModelLibrary.Get("simeoni-2004");
        Assert.Equal(0.273, simeoni.Parameters[simeoni.ParameterIndex("lambda_0")].Value);
        Assert.Equal(0.814, simeoni.Parameters[simeoni.ParameterIndex("lambda_1")].Value);
        Assert.Equal(0.968, simeoni.Parameters[simeoni.ParameterIndex("k_1")].Value);
        Assert.Equal(6.29e-4 * 1000, simeoni.Parameters[simeoni.ParameterIndex("k_2")].Value, 12); // mL/(ng d) → L/(mg d)

        var pillis = ModelLibrary.Get("de-pillis-2005");
        Assert.Equal(2.34, pillis.Parameters[pillis.ParameterIndex("d")].Value);
        Assert.Equal(2.09, pillis.Parameters[pillis.ParameterIndex("l")].Value);
        Assert.Equal(8.39e-2, pillis.Parameters[pillis.ParameterIndex("s")].Value);
        Assert.Equal(7.5e8, pillis.Parameters[pillis.ParameterIndex("alpha")].Value);

        var lorenz = ModelLibrary.Get("lorenz");
        Assert.Equal([10.0, 28.0, 8.0 / 3.0], lorenz.NominalParameters());
    }

    [Fact]
    public void The_model_library_page_documents_every_model_and_parameter()
    {
        var page = File.ReadAllText(Path.Combine(DebianPython.RepositoryRoot, "docs", "methods", "model-library.md"));
        foreach (var model in ModelLibrary.All)
        {
            Assert.Contains($"## `{model.Name}`", page, StringComparison.Ordinal);
            var section = page[page.IndexOf($"## `{model.Name}`", StringComparison.Ordinal)..];
            var end = section.IndexOf("\n## ", 3, StringComparison.Ordinal);
            section = end < 0 ? section : section[..end];
            Assert.Contains("$$", section, StringComparison.Ordinal);
            foreach (var p in model.Parameters)
            {
                var row = section.Split('\n').FirstOrDefault(line => line.StartsWith($"| `{p.Name}` |", StringComparison.Ordinal));
                Assert.True(row is not null, $"{model.Name}: no table row for {p.Name}");
                var cells = row.Split('|', StringSplitOptions.TrimEntries);
                var documented = double.Parse(cells[2], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(documented - p.Value) <= 1e-5 * Math.Abs(p.Value), $"{model.Name}: {p.Name} = {p.Value}, documented {documented}");
                Assert.Equal(p.Unit, cells[3]);
            }
        }
        var readme = File.ReadAllText(Path.Combine(DebianPython.RepositoryRoot, "README.md"));
        Assert.Contains("docs/methods/model-library.md", readme, StringComparison.Ordinal);
    }
}
