using TwinLab.Interactive;

namespace TwinLab.Notebooks.Engine;

/// <summary>Receives what a cell produces while it runs. Calls are serialised (never concurrent) and in order.</summary>
public interface IExecutionListener
{
    /// <summary>Console output: <c>stdout</c> or <c>stderr</c>. Written text is flushed at least every
    /// <see cref="EngineOptions.StreamFlushInterval"/> while the cell runs.</summary>
    /// <param name="name">The stream.</param>
    /// <param name="text">The text.</param>
    void OnStream(string name, string text);

    /// <summary>A displayed value (<c>display(x)</c>).</summary>
    /// <param name="bundle">The formatted value.</param>
    /// <param name="displayId">Its display identifier.</param>
    void OnDisplay(MimeBundle bundle, string displayId);

    /// <summary>An update of an earlier displayed value (<see cref="DisplayHandle.Update"/>), possibly from an
    /// earlier cell.</summary>
    /// <param name="bundle">The new value.</param>
    /// <param name="displayId">The identifier of the output to replace.</param>
    void OnUpdateDisplay(MimeBundle bundle, string displayId);

    /// <summary>A request to clear the running cell's outputs.</summary>
    /// <param name="wait">Whether to clear only when the next output arrives.</param>
    void OnClearOutput(bool wait);

    /// <summary>Reads a line of input for <c>Console.ReadLine</c>.</summary>
    /// <param name="prompt">The text written just before the read (may be empty).</param>
    /// <param name="password">Whether the input should be hidden.</param>
    /// <returns>The line, or null at end of input.</returns>
    /// <exception cref="InvalidOperationException">The host cannot provide input.</exception>
    string? OnInputRequest(string prompt, bool password);
}

/// <summary>One cell to execute.</summary>
/// <param name="Code">The cell's source, magics included.</param>
public sealed record CellRequest(string Code)
{
    /// <summary>How the cell is named in compile errors and stack traces, e.g. <c>cell 3</c>.</summary>
    public string CellName { get; init; } = "cell";

    /// <summary>The prefix of the display identifiers of the cell's outputs (followed by <c>-1</c>, <c>-2</c>, ...).</summary>
    public string DisplayIdPrefix { get; init; } = "display";

    /// <summary>The longest the cell may run; it is interrupted after that. Null: no limit.</summary>
    public TimeSpan? Timeout { get; init; }
}

/// <summary>How a cell ended.</summary>
public enum CellStatus
{
    /// <summary>It ran to the end.</summary>
    Ok,

    /// <summary>It did not compile, threw, was interrupted or timed out; <see cref="CellOutcome.Error"/> says which.</summary>
    Error,
}

/// <summary>An error a cell ended with, in Jupyter's terms.</summary>
/// <param name="Name">The error's name: the exception type (e.g. <c>DivideByZeroException</c>), <c>CompilationError</c>,
/// <c>Interrupted</c> or <c>TimeoutError</c>.</param>
/// <param name="Value">The message.</param>
/// <param name="Traceback">The lines shown to the user: the message, then the cell line or the trimmed stack trace.</param>
public sealed record ExecutionError(string Name, string Value, IReadOnlyList<string> Traceback)
{
    /// <summary>The name and value on one line.</summary>
    public string Summary => $"{Name}: {Value}";
}

/// <summary>The result of executing a cell.</summary>
/// <param name="Status">Whether it succeeded.</param>
/// <param name="Result">The formatted value of the cell's last expression, or null if the cell does not end with one.</param>
/// <param name="Error">The error when <paramref name="Status"/> is <see cref="CellStatus.Error"/>.</param>
/// <param name="WallTime">How long the cell took.</param>
public sealed record CellOutcome(CellStatus Status, MimeBundle? Result, ExecutionError? Error, TimeSpan WallTime)
{
    /// <summary>Whether the cell ran to the end.</summary>
    public bool Succeeded => Status == CellStatus.Ok;
}
