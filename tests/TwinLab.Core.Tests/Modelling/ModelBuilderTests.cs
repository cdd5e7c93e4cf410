using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Tests.Modelling;

public class ModelBuilderTests
{
    private static ModelBuilder Gompertz(out Symbol v, out Symbol r, out Symbol k)
    {
        var m = new ModelBuilder("gompertz", version: "1.0") { Description = "test" };
        v = m.State("V", initial: 50, unit: "mm3", description: "tumour volume", nonNegative: true);
        r = m.Parameter("r", 0.1, unit: "1/d", prior: Prior.LogNormal(median: 0.1, sigma: 0.3), bounds: (1e-3, 2));
        k = m.Parameter("K", 2000, unit: "mm3", bounds: (100, 1e5));
        return m;
    }

    [Fact]
    public void The_design_example_builds()
    {
        var m = Gompertz(out var v, out var r, out var k);
        m.Rate(v, r * v * Sym.Log(k / v));
        var model = m.Build();
        Assert.Equal("gompertz", model.Name);
        Assert.Equal(["V"], model.States.Select(s => s.Name));
        Assert.Equal(["r", "K"], model.Parameters.Select(p => p.Name));
        Assert.Equal("r * V * log(K / V)", model.Rates[0].ToString());
        Assert.Matches("^sha256:[0-9a-f]{64}$", model.Digest);
        Assert.Equal(1, model.ParameterIndex("K"));
        Assert.Contains("has no parameter 'k'; its parameters are r, K", Assert.Throws<KeyNotFoundException>(() => model.ParameterIndex("k")).Message, StringComparison.Ordinal);
    }

    private static ModelValidationException BuildFails(Action<ModelBuilder> define, string name = "broken")
    {
        var m = new ModelBuilder(name);
        define(m);
        return Assert.Throws<ModelValidationException>(m.Build);
    }

    [Fact]
    public void Undefined_symbols_are_named()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", 1);
            m.Rate(x, new Symbol("kk") * x);
        });
        Assert.Contains("Model 'broken'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the rate of 'x' uses 'kk', which is not defined", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_names_are_rejected()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", 1);
            m.Parameter("x", 2);
            m.Rate(x, 0);
        });
        Assert.Contains("'x' is declared twice (as a state and as a parameter)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_time_name_is_reserved()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", 1);
            m.Parameter("t", 2);
            m.Rate(x, 0);
        });
        Assert.Contains("name reserved for time", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rate_for_an_unknown_state_or_a_parameter_is_rejected()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", 1);
            var k = m.Parameter("k", 2);
            m.Rate(x, -k * x);
            m.Rate(k, 1);
            m.Rate(new Symbol("ghost"), 1);
        });
        Assert.Contains("a rate is given for 'k', which is a parameter, not a state", ex.Message, StringComparison.Ordinal);
        Assert.Contains("a rate is given for 'ghost', which is not a state", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Problems.Count);
    }

    [Fact]
    public void A_state_without_a_rate_and_a_doubled_rate_are_rejected()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", 1);
            m.State("y", 1);
            m.Rate(x, 1);
            m.Rate(x, 2);
        });
        Assert.Contains("the state 'y' has no rate equation", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the state 'x' has two rate equations", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_values_are_rejected()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", double.NaN);
            var k = m.Parameter("k", double.PositiveInfinity);
            m.Rate(x, k * double.PositiveInfinity);
        });
        Assert.Contains("the initial value of 'x' is NaN", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the parameter 'k' has the non-finite value", ex.Message, StringComparison.Ordinal);
        Assert.Contains("non-finite constant", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nominal_values_outside_bounds_and_empty_bounds_are_rejected()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", 1);
            var k = m.Parameter("k", 5, bounds: (0, 1));
            var j = m.Parameter("j", 5, bounds: (10, 1));
            m.Rate(x, k * j);
        });
        Assert.Contains("the nominal value of 'k' (5) is outside its bounds [0, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the bounds of 'j' (10, 1) are not an interval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prior_that_excludes_the_nominal_value_is_rejected()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", 1);
            var k = m.Parameter("k", -1, prior: Prior.LogNormal(1, 0.5));
            m.Rate(x, k);
        });
        Assert.Contains("the prior of 'k'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("zero density at the nominal value -1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cyclic_observables_are_rejected()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", 1);
            m.Rate(x, 0);
            m.Observable("a", new Symbol("b") + x);
            m.Observable("b", new Symbol("c") * 2);
            m.Observable("c", new Symbol("a") - 1);
        });
        Assert.Contains("the observables form a cycle (a → b → c → a)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Treatments_on_unknown_states_and_bad_durations_are_rejected()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", 1);
            var k = m.Parameter("k", 1);
            m.Rate(x, -k * x);
            m.Bolus("dose", k, 10, DoseSchedule.At(1));
            m.Infusion("drip", x, 1, 0, DoseSchedule.At(1));
            m.Bolus("bad", x, x * 2, DoseSchedule.At(2));
        });
        Assert.Contains("the treatment 'dose' doses into 'k', which is not a state", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the treatment 'drip' has duration 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the amount of the treatment 'bad' uses the state 'x', but may only use parameters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_dose_times_and_bad_schedules_are_rejected_at_once()
    {
        Assert.Contains("not negative", Assert.Throws<ArgumentException>(() => DoseSchedule.At(1, -2)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => DoseSchedule.Every(0, 3));
        Assert.Throws<ArgumentException>(() => DoseSchedule.Every(7, 0));
        Assert.Throws<ArgumentException>(() => DoseSchedule.At());
        Assert.Equal([0.0, 7, 14, 21], DoseSchedule.Every(7, 4).Times);
        Assert.Equal([1.0, 2, 5], DoseSchedule.At(5, 1, 2).Times);
    }

    [Fact]
    public void Initial_values_may_only_use_parameters()
    {
        var ex = BuildFails(m =>
        {
            var x = m.State("x", 1);
            var y = m.State("y", x * 2);
            m.Rate(x, 0);
            m.Rate(y, 0);
        });
        Assert.Contains("the initial value of 'y' uses the state 'x'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_names_are_rejected_with_the_model_name()
    {
        var m = new ModelBuilder("demo");
        var ex = Assert.Throws<ArgumentException>(() => m.State("2x", 1));
        Assert.Contains("Model 'demo'", ex.Message, StringComparison.Ordinal);
        var bad = new ModelBuilder("has space");
        bad.Rate(bad.State("x", 1), 0);
        Assert.Contains("not a valid model name", Assert.Throws<ModelValidationException>(bad.Build).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var ex = BuildFails(m =>
        {
            m.State("x", 1);
            m.State("y", 1);
        });
        Assert.Equal(2, ex.Problems.Count);
    }

    [Fact]
    public void Observables_are_expanded_into_rates_and_ordered_by_dependency()
    {
        var m = new ModelBuilder("obs");
        var x = m.State("x", 2);
        var k = m.Parameter("k", 3);
        var total = new Symbol("total");
        m.Observable("double_total", total * 2);
        m.Observable("total", x + k);
        m.Rate(x, -total);
        var model = m.Build();
        Assert.Equal(["total", "double_total"], model.Observables.Select(o => o.Name));
        Assert.Equal("-(x + k)", model.ExpandedRates[0].ToString());
        Assert.Equal("2 * (x + k)", model.ExpandedObservables[1].ToString());
    }
}
