namespace TwinLab.Core.Modelling;

/// <summary>Builds a <see cref="Model"/>.</summary>
public sealed class ModelBuilder(string name, string version = "1.0")
{
    /// <summary>A one-paragraph description of the model.</summary>
    public string Description { get; set; } = "";

    /// <summary>Validates the definition and returns the immutable model.</summary>
    public Model Build() => new(name, version, Description);
}
