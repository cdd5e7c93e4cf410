using TwinLab.Core.Library;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Tests.Modelling;

public class ModelTests
{
    public static TheoryData<string> LibraryModels => [.. ModelLibrary.Names];

    [Theory]
    [MemberData(nameof(LibraryModels))]
    public void Compiled_functions_match_the_symbolic_model(string name)
    {
        var model = ModelLibrary.Get(name);
        var compiled = model.Compiled;
        var p = model.NominalParameters();
        var y = compiled.Initial(p);
        for (var i = 0; i < y.Length; i++)
        {
            y[i] = (y[i] == 0 ? 1 : y[i]) * (1.1 + (0.1 * i));
        }
        const double t = 1.5;
        var values = new Dictionary<string, double> { ["t"] = t };
        for (var i = 0; i < y.Length; i++)
        {
            values[model.States[i].Name] = y[i];
        }
        for (var i = 0; i < p.Length; i++)
        {
            values[model.Parameters[i].Name] = p[i];
        }

        var rhs = new double[y.Length];
        compiled.RightHandSide(t, y, p, rhs);
        for (var i = 0; i < y.Length; i++)
        {
            Assert.Equal(model.ExpandedRates[i].Evaluate(values), rhs[i]);
        }

        // The Jacobian against central differences of the compiled right-hand side (relative step 1e-6:
        // truncation and rounding errors are both below 1e-7 of the entry's scale for these smooth models).
        var jac = new double[y.Length * y.Length];
        compiled.Jacobian(t, y, p, jac);
        var plus = new double[y.Length];
        var minus = new double[y.Length];
        for (var j = 0; j < y.Length; j++)
        {
            var h = 1e-6 * Math.Max(1, Math.Abs(y[j]));
            var yp = (double[])y.Clone();
            var ym = (double[])y.Clone();
            yp[j] += h;
            ym[j] -= h;
            compiled.RightHandSide(t, yp, p, plus);
            compiled.RightHandSide(t, ym, p, minus);
            for (var i = 0; i < y.Length; i++)
            {
                var numeric = (plus[i] - minus[i]) / (2 * h);
                var scale = Math.Max(Math.Abs(rhs[i]) / Math.Max(1, Math.Abs(y[j])), Math.Abs(numeric)) + 1e-300;
                Assert.True(Math.Abs(jac[(i * y.Length) + j] - numeric) <= 1e-5 * scale + 1e-12,
                    $"{name}: J[{i},{j}] = {jac[(i * y.Length) + j]}, finite difference {numeric}");
            }
        }

        // Parameter derivatives against central differences. Where a rate is a sum of large terms that nearly cancel
        // (de Pillis: 1e8 cells/d of lymphocyte terms beside an IL-2 term of 1e-3), each evaluation carries a rounding
        // error of a few ulps of the terms' magnitude M, so the difference quotient is only good to about
        // 4 eps M / h = 9e-10 M / |p| (h = 1e-6 |p|): the tolerance allows ten times that on top of 1e-5 relative.
        var magnitudes = model.ExpandedRates.Select(r => Magnitude(r, values)).ToArray();
        var pjac = new double[y.Length * p.Length];
        compiled.ParameterJacobian(t, y, p, pjac);
        for (var k = 0; k < p.Length; k++)
        {
            var h = 1e-6 * Math.Max(1e-300, Math.Abs(p[k]));
            var pp = (double[])p.Clone();
            var pm = (double[])p.Clone();
            pp[k] += h;
            pm[k] -= h;
            compiled.RightHandSide(t, y, pp, plus);
            compiled.RightHandSide(t, y, pm, minus);
            for (var i = 0; i < y.Length; i++)
            {
                var numeric = (plus[i] - minus[i]) / (2 * h);
                var rounding = 1e-8 * magnitudes[i] / Math.Max(1e-300, Math.Abs(p[k]));
                Assert.True(Math.Abs(pjac[(i * p.Length) + k] - numeric) <= (1e-5 * Math.Abs(numeric)) + rounding + 1e-12,
                    $"{name}: dF[{i}]/dp[{k}] = {pjac[(i * p.Length) + k]}, finite difference {numeric}");
            }
        }
    }

    /// <summary>A bound on the magnitude of the numbers summed while evaluating <paramref name="e"/>: sums and
    /// differences add their operands' magnitudes, so that cancellation does not hide the size of the terms.</summary>
    private static double Magnitude(Expr e, IReadOnlyDictionary<string, double> values) => e switch
    {
        Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract } b => Magnitude(b.Left, values) + Magnitude(b.Right, values),
        Binary { Operator: BinaryOperator.Multiply } b => Magnitude(b.Left, values) * Magnitude(b.Right, values),
        Binary { Operator: BinaryOperator.Divide } b => Magnitude(b.Left, values) / Math.Abs(b.Right.Evaluate(values)),
        Unary { Operator: UnaryOperator.Negate } u => Magnitude(u.Operand, values),
        _ => Math.Abs(e.Evaluate(values)),
    };

    [Fact]
    public void Initial_values_and_dose_amounts_are_computed_from_parameters()
    {
        var model = ModelLibrary.Get("kuznetsov");
        var p = model.ParameterValues(new Dictionary<string, double> { ["T0"] = 5e6 });
        Assert.Equal([3.2e5, 5e6], model.Compiled.Initial(p));

        var pk = ModelLibrary.Get("pk-oral-1cmt");
        var amounts = new double[1];
        pk.Compiled.DoseAmounts(0, [], pk.NominalParameters(), amounts);
        Assert.Equal(80, amounts[0], 12);
        Assert.Throws<ArgumentException>(() => model.ParameterValues(new Dictionary<string, double> { ["a"] = double.NaN }));
        Assert.Throws<KeyNotFoundException>(() => model.ParameterValues(new Dictionary<string, double> { ["zz"] = 1 }));
    }

    [Fact]
    public void Latex_and_text_show_the_equations()
    {
        var model = ModelLibrary.Get("gompertz");
        Assert.Equal("\\begin{aligned}\n\\frac{dV}{dt} &= r \\, V \\, \\ln\\left(\\frac{K}{V}\\right)\n\\end{aligned}", model.ToLatex());
        var text = model.ToText();
        Assert.Contains("dV/dt = r * V * log(K / V)", text, StringComparison.Ordinal);
        Assert.Contains(model.Digest, text, StringComparison.Ordinal);
        Assert.Contains("LogNormal", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Library_lookup_names_the_alternatives()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => ModelLibrary.Get("gompertzz"));
        Assert.Contains("gompertz", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ModelLibrary.Names.Order(StringComparer.Ordinal), ModelLibrary.Names);
    }
}
