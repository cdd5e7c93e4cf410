namespace TwinLab.Notebooks.Documents;

/// <summary>
/// A notebook file that cannot be read: invalid JSON, an unsupported nbformat version, a missing or mistyped field. The
/// message names the file and the place in it (a line and column, or a JSON path such as <c>cells[3].source</c>).
/// </summary>
public sealed class NotebookFormatException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public NotebookFormatException()
        : base("The notebook is not valid.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, where, and how to fix it.</param>
    public NotebookFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the exception that revealed the problem.</summary>
    /// <param name="message">What is wrong, where, and how to fix it.</param>
    /// <param name="innerException">The underlying exception.</param>
    public NotebookFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
