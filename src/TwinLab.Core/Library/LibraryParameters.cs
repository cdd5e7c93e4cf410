using TwinLab.Core.Distributions;
using TwinLab.Core.Modelling;
using TwinLab.Core.Symbolic;

namespace TwinLab.Core.Library;

/// <summary>The conventions shared by the built-in models, so that every parameter gets a unit, plausible bounds and
/// a prior in the same way (see docs/methods/model-library.md, "Conventions").</summary>
internal static class LibraryParameters
{
    /// <summary>The log-normal σ for values estimated in the cited paper, and for the typical pharmacokinetic values
    /// (close to the usual between-subject variability of clearance and volume).</summary>
    public const double Published = 0.3;

    /// <summary>The log-normal σ for typical values and patient-specific initial sizes.</summary>
    public const double Typical = 0.5;

    /// <summary>Declares a positive parameter with a log-normal prior whose median is the nominal value; the bounds
    /// default to a factor of ten either side of it.</summary>
    public static Symbol Positive(this ModelBuilder m, string name, double value, string unit, string description,
        Reference? source = null, double sigma = Published, (double Lower, double Upper)? bounds = null) =>
        m.Parameter(name, value, unit, Prior.LogNormal(value, sigma), bounds ?? (value / 10, value * 10), description, source);

    /// <summary>Declares a fraction in [0, 1] with a uniform prior.</summary>
    public static Symbol Fraction(this ModelBuilder m, string name, double value, string description, Reference? source = null) =>
        m.Parameter(name, value, "1", Prior.Uniform(0, 1), (0, 1), description, source);

    /// <summary>Declares a treatment or design quantity (a dose, an infusion rate, an exposure): chosen by the user
    /// rather than estimated, so its prior is uniform over its bounds.</summary>
    public static Symbol Design(this ModelBuilder m, string name, double value, string unit, (double Lower, double Upper) bounds,
        string description) =>
        m.Parameter(name, value, unit, Prior.Uniform(bounds.Lower, bounds.Upper), bounds, description);

    /// <summary>Adds a reference to the model.</summary>
    public static ModelBuilder Cite(this ModelBuilder m, Reference reference) => m.Cite(reference.Citation, reference.Doi);
}
