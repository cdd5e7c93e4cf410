namespace TwinLab.Core.Modelling;

/// <summary>Raised by <see cref="ModelBuilder.Build"/> (and by model loading) when a model definition is invalid.
/// Lists every problem found, each naming the model, the symbol and the fix.</summary>
public sealed class ModelValidationException : Exception
{
    /// <summary>Creates the exception for a model's problems.</summary>
    /// <param name="modelName">The model's name.</param>
    /// <param name="problems">One message per problem.</param>
    public ModelValidationException(string modelName, IReadOnlyList<string> problems)
        : base(Compose(modelName, problems))
    {
        ModelName = modelName;
        Problems = problems;
    }

    /// <summary>Creates the exception with no details.</summary>
    public ModelValidationException() : this("(unnamed)", ["The model is not valid."]) { }

    /// <summary>Creates the exception with a single message.</summary>
    /// <param name="message">The message.</param>
    public ModelValidationException(string message) : this("(unnamed)", [message]) { }

    /// <summary>Creates the exception with a single message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelValidationException(string message, Exception innerException) : base(message, innerException)
    {
        ModelName = "(unnamed)";
        Problems = [message];
    }

    /// <summary>The model's name.</summary>
    public string ModelName { get; }

    /// <summary>One message per problem.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Compose(string modelName, IReadOnlyList<string> problems) =>
        problems.Count == 1
            ? $"Model '{modelName}': {problems[0]}"
            : $"Model '{modelName}' has {problems.Count} problems:{Environment.NewLine}"
              + string.Join(Environment.NewLine, problems.Select(p => "  - " + p));
}
