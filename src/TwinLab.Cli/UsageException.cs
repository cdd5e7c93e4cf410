namespace TwinLab.Cli;

/// <summary>
/// A mistake on the command line that the user can fix (an unknown model name, a bad combination of options).
/// <see cref="TwinLabCli"/> prints its message, without a stack trace, and exits with <see cref="ExitCodes.Usage"/>.
/// </summary>
internal sealed class UsageException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public UsageException()
        : base("The command line is not valid.")
    {
    }

    /// <summary>Creates the exception with a message that says what is wrong and how to fix it.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that revealed the mistake.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The exception that revealed the mistake.</param>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
