using TwinLab.Core.Modelling;

namespace TwinLab.Core.Library;

/// <summary>The models that ship with TwinLab.</summary>
public static class ModelLibrary
{
    /// <summary>Every built-in model, ordered by name.</summary>
    public static IReadOnlyList<Model> All { get; } =
    [
        new ModelBuilder("gompertz") { Description = "Gompertz tumour growth." }.Build(),
        new ModelBuilder("kuznetsov") { Description = "Kuznetsov tumour-immune interaction." }.Build(),
    ];

    /// <summary>Returns the built-in model with the given name.</summary>
    /// <exception cref="KeyNotFoundException">No built-in model has that name.</exception>
    public static Model Get(string name) =>
        All.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"No built-in model is named '{name}'. Run 'twinlab models' to list them.");
}
