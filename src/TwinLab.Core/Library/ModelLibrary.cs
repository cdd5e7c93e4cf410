using TwinLab.Core.Modelling;

namespace TwinLab.Core.Library;

/// <summary>The models that ship with TwinLab, each with equations, parameter values, units, plausible bounds,
/// priors, a description and references. The models are defined by family in <see cref="TumourGrowthModels"/>,
/// <see cref="TumourResponseModels"/>, <see cref="ImmunologyModels"/>, <see cref="PharmacokineticModels"/> and
/// <see cref="BenchmarkModels"/>; equations and sources are listed in docs/methods/model-library.md.</summary>
public static class ModelLibrary
{
    private static readonly Lazy<IReadOnlyList<Model>> Models = new(() =>
    {
        Func<Model>[] definitions =
        [
            TumourGrowthModels.Exponential,
            TumourGrowthModels.Logistic,
            TumourGrowthModels.Gompertz,
            TumourGrowthModels.VonBertalanffy,
            TumourGrowthModels.ExponentialLinear,
            TumourResponseModels.NortonSimon,
            TumourResponseModels.Simeoni2004,
            TumourResponseModels.Claret2009,
            ImmunologyModels.Kuznetsov,
            ImmunologyModels.DePillis2005,
            PharmacokineticModels.OneCompartmentIntravenous,
            PharmacokineticModels.OneCompartmentInfusion,
            PharmacokineticModels.OneCompartmentOral,
            PharmacokineticModels.TwoCompartmentIntravenous,
            PharmacokineticModels.TwoCompartmentOral,
            BenchmarkModels.Sir,
            BenchmarkModels.LotkaVolterra,
            BenchmarkModels.Lorenz,
        ];
        return [.. definitions.Select(define => define()).OrderBy(m => m.Name, StringComparer.Ordinal)];
    });

    /// <summary>Every built-in model, ordered by name.</summary>
    public static IReadOnlyList<Model> All => Models.Value;

    /// <summary>The names of the built-in models, ordered.</summary>
    public static IEnumerable<string> Names => All.Select(m => m.Name);

    /// <summary>Returns the built-in model with the given name.</summary>
    /// <param name="name">The model's name, as listed by <c>twinlab models</c>.</param>
    /// <exception cref="KeyNotFoundException">No built-in model has that name; the message lists them.</exception>
    public static Model Get(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"No built-in model is named '{name}'. Available models: {string.Join(", ", Names)}.");
}
