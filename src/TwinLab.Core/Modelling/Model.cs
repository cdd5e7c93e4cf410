namespace TwinLab.Core.Modelling;

/// <summary>An immutable, validated mechanistic model built by <see cref="ModelBuilder"/>.</summary>
public sealed class Model
{
    internal Model(string name, string version, string description)
    {
        Name = name;
        Version = version;
        Description = description;
    }

    /// <summary>The model's name, unique within a library.</summary>
    public string Name { get; }

    /// <summary>The model's version.</summary>
    public string Version { get; }

    /// <summary>A one-paragraph description of what the model represents.</summary>
    public string Description { get; }
}
