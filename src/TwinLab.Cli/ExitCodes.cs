namespace TwinLab.Cli;

/// <summary>The process exit codes of the <c>twinlab</c> command.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command was understood but could not complete (bad data, a failed run, an I/O error).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong: unknown command or option, missing argument, unknown model.</summary>
    public const int Usage = 2;
}
