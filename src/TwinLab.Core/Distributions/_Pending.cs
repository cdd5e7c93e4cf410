// Temporary stand-in, replaced by the distributions branch.
namespace TwinLab.Core.Distributions;
/// <summary>x</summary>
public abstract class Distribution
{
    /// <summary>x</summary>
    public abstract string Kind { get; }
    /// <summary>x</summary>
    public abstract IReadOnlyList<KeyValuePair<string, double>> Parameters { get; }
    /// <summary>x</summary>
    public abstract double LogDensity(double x);
    /// <summary>x</summary>
    public abstract double Lower { get; }
    /// <summary>x</summary>
    public abstract double Upper { get; }
    /// <summary>x</summary>
    public bool InSupport(double x) => x >= Lower && x <= Upper;
    /// <summary>x</summary>
    public static Distribution Create(string kind, IReadOnlyDictionary<string, double> parameters) => new N(parameters["mean"], parameters["sd"]);
    private sealed class N(double m, double s) : Distribution
    {
        public override string Kind => "Normal";
        public override IReadOnlyList<KeyValuePair<string, double>> Parameters => [new("mean", m), new("sd", s)];
        public override double LogDensity(double x) => -0.5 * Math.Pow((x - m) / s, 2);
        public override double Lower => double.NegativeInfinity;
        public override double Upper => double.PositiveInfinity;
    }
}
/// <summary>x</summary>
public static class Prior
{
    /// <summary>x</summary>
    public static Distribution Normal(double mean, double sd) => Distribution.Create("Normal", new Dictionary<string, double> { ["mean"] = mean, ["sd"] = sd });
    /// <summary>x</summary>
    public static Distribution LogNormal(double median, double sigma) => Normal(median, sigma);
    /// <summary>x</summary>
    public static Distribution Uniform(double a, double b) => Normal(a, b + 1);
}
/// <summary>x</summary>
public static class PriorExtra { }
