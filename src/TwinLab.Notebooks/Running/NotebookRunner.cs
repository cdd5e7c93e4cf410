using System.Diagnostics;
using System.Text.Json.Nodes;
using TwinLab.Interactive;
using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Engine;

namespace TwinLab.Notebooks.Running;

/// <summary>How <see cref="NotebookRunner"/> runs a notebook.</summary>
public sealed class RunOptions
{
    /// <summary>Values for the notebook's parameters (name and value text), injected after its <c>parameters</c>
    /// cell.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>The longest one cell may run (null: no limit).</summary>
    public TimeSpan? CellTimeout { get; init; }

    /// <summary>Whether to carry on after a cell fails (failures are still reported).</summary>
    public bool AllowErrors { get; init; }

    /// <summary>The working directory of the cells (default: the notebook's folder, or the current directory for a
    /// notebook built in memory).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Settings of the execution engine (default: the defaults, with a fresh formatter registry per notebook).</summary>
    public EngineOptions? Engine { get; init; }
}

/// <summary>A cell that failed.</summary>
/// <param name="Index">The cell's position in the notebook (0-based).</param>
/// <param name="CellId">The cell's id.</param>
/// <param name="Error">The error.</param>
public sealed record CellFailure(int Index, string CellId, ExecutionError Error)
{
    /// <summary>How the cell is named in messages: <c>cell 4 (id 'a1b2')</c>.</summary>
    public string Label => NotebookRunner.Label(Index, CellId);
}

/// <summary>The outcome of running a notebook.</summary>
/// <param name="Notebook">The executed notebook (outputs, execution counts and metadata filled in).</param>
/// <param name="Failures">Cells that failed unexpectedly (a cell tagged <c>raises-exception</c> that fails is not one).</param>
/// <param name="ExecutedCells">How many code cells ran.</param>
/// <param name="Warnings">Things the user should know (e.g. a parameter the notebook does not declare).</param>
/// <param name="Elapsed">How long the run took.</param>
public sealed record RunResult(NotebookDocument Notebook, IReadOnlyList<CellFailure> Failures, int ExecutedCells, IReadOnlyList<string> Warnings, TimeSpan Elapsed)
{
    /// <summary>Whether every cell ran without an unexpected error.</summary>
    public bool Succeeded => Failures.Count == 0;
}

/// <summary>
/// Executes notebooks headless, in process, with the same engine as the kernel. Honours the tags <c>parameters</c>
/// (defaults; injected values follow it), <c>skip-execution</c> (left as it is) and <c>raises-exception</c> (an error
/// is expected and does not stop the run). Executed notebooks are deterministic: no timing metadata, display ids
/// derived from the cell id and the order of displays, and the notebook metadata records TwinLab's and .NET's
/// versions, the parameters and the seed policy.
/// </summary>
public static class NotebookRunner
{
    /// <summary>The tag of cells that are not executed.</summary>
    public const string SkipTag = "skip-execution";

    /// <summary>The tag of cells that are expected to fail.</summary>
    public const string RaisesTag = "raises-exception";

    /// <summary>The notebook-metadata key of TwinLab's run record.</summary>
    public const string MetadataKey = "twinlab";

    /// <summary>How a cell is named in messages.</summary>
    /// <param name="index">The cell's 0-based position.</param>
    /// <param name="id">The cell id.</param>
    /// <returns>e.g. <c>cell 4 (id 'a1b2')</c>.</returns>
    public static string Label(int index, string id) => $"cell {index + 1} (id '{id}')";

    /// <summary>Runs take turns: cells run in the notebook's folder, and the working directory belongs to the process.</summary>
    private static readonly Lock RunGate = new();

    /// <summary>Runs a notebook; the given document is not changed. Runs in one process take turns, because cells run
    /// with the notebook's folder as the process's working directory.</summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="options">How to run it.</param>
    /// <returns>The executed copy and what failed.</returns>
    /// <exception cref="NotebookFormatException">The notebook is not a C# notebook.</exception>
    public static RunResult Run(NotebookDocument notebook, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        options ??= new RunOptions();
        var stopwatch = Stopwatch.StartNew();
        CheckLanguage(notebook);
        var executed = notebook.Clone();
        var warnings = new List<string>();
        InjectParameters(executed, options.Parameters, warnings);

        var failures = new List<CellFailure>();
        int count;
        lock (RunGate)
        {
            var previousDirectory = Environment.CurrentDirectory;
            var directory = options.WorkingDirectory
                ?? (executed.SourcePath is { } source ? Path.GetDirectoryName(Path.GetFullPath(source)) : null)
                ?? previousDirectory;
            try
            {
                Environment.CurrentDirectory = directory;
                count = ExecuteCells(executed, options, failures);
            }
            finally
            {
                Environment.CurrentDirectory = previousDirectory;
            }
        }
        RecordMetadata(executed);
        return new RunResult(executed, failures, count, warnings, stopwatch.Elapsed);
    }

    /// <summary>Executes the code cells in order; returns how many ran.</summary>
    private static int ExecuteCells(NotebookDocument executed, RunOptions options, List<CellFailure> failures)
    {
        // Each notebook gets its own formatters, so that what one registers does not change another's outputs.
        using var engine = new ScriptEngine(options.Engine ?? new EngineOptions { Formatters = new FormatterRegistry() });
        var collector = new OutputCollector();
        var count = 0;
        var stopped = false;
        for (var i = 0; i < executed.Cells.Count; i++)
        {
            var cell = executed.Cells[i];
            if (cell.Kind != CellKind.Code || cell.HasTag(SkipTag))
            {
                continue;
            }
            cell.Metadata.Remove("execution");
            if (stopped)
            {
                cell.Outputs.Clear();
                cell.ExecutionCount = null;
                continue;
            }
            count++;
            cell.ExecutionCount = count;
            cell.Outputs.Clear();
            collector.Begin(cell);
            CellOutcome outcome;
            if (cell.Language is { } language && language != "csharp")
            {
                var message = $"this is a {language} cell; TwinLab executes C# cells only";
                outcome = new CellOutcome(CellStatus.Error, null, new ExecutionError("UnsupportedLanguage", message, [$"UnsupportedLanguage: {message}"]), TimeSpan.Zero);
            }
            else
            {
                outcome = engine.Execute(new CellRequest(cell.Source)
                {
                    CellName = $"cell {i + 1}",
                    DisplayIdPrefix = cell.Id,
                    Timeout = options.CellTimeout,
                }, collector);
            }
            collector.End();
            if (outcome.Result is { } result)
            {
                cell.Outputs.Add(NotebookOutputs.ExecuteResult(result, count));
            }
            if (outcome.Error is { } error)
            {
                cell.Outputs.Add(NotebookOutputs.Error(error.Name, error.Value, error.Traceback));
                if (!cell.HasTag(RaisesTag))
                {
                    failures.Add(new CellFailure(i, cell.Id, error));
                    stopped = !options.AllowErrors;
                }
            }
        }
        return count;
    }

    /// <summary>Refuses notebooks written for another language (a Python notebook, say).</summary>
    private static void CheckLanguage(NotebookDocument notebook)
    {
        var language = (notebook.Metadata["kernelspec"] as JsonObject)?["language"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? notebook.Metadata["kernelspec"]!["language"]!.GetValue<string>()
            : (notebook.Metadata["language_info"] as JsonObject)?["name"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
                ? notebook.Metadata["language_info"]!["name"]!.GetValue<string>()
                : null;
        if (language is not null && !language.Equals("C#", StringComparison.OrdinalIgnoreCase) && !language.Equals("csharp", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotebookFormatException($"{notebook.SourcePath ?? "notebook"}: metadata.kernelspec: this is a {language} notebook; TwinLab runs C# notebooks.");
        }
    }

    private static void InjectParameters(NotebookDocument notebook, IReadOnlyList<KeyValuePair<string, string>> values, List<string> warnings)
    {
        if (values.Count == 0)
        {
            return; // an injected cell from an earlier run stays, so that a re-run reproduces that run
        }
        for (var i = notebook.Cells.Count - 1; i >= 0; i--)
        {
            if (notebook.Cells[i].HasTag(NotebookParameters.InjectedTag))
            {
                notebook.Cells.RemoveAt(i);
            }
        }
        var parametersIndex = -1;
        for (var i = 0; i < notebook.Cells.Count; i++)
        {
            if (notebook.Cells[i].Kind == CellKind.Code && notebook.Cells[i].HasTag(NotebookParameters.ParametersTag))
            {
                parametersIndex = i;
                break;
            }
        }
        var declared = parametersIndex >= 0 ? NotebookParameters.Parse(notebook.Cells[parametersIndex].Source) : [];
        if (parametersIndex < 0)
        {
            warnings.Add("the notebook has no cell tagged 'parameters'; the parameters were injected at the top.");
        }
        var source = NotebookParameters.InjectedSource(values, declared, out var undeclared);
        if (parametersIndex >= 0 && undeclared.Count > 0)
        {
            warnings.Add($"the parameters cell does not declare {string.Join(", ", undeclared.Select(n => $"'{n}'"))}; declared in the injected cell with var.");
        }
        var cell = new NotebookCell(CellKind.Code, source, notebook.UniqueCellId(NotebookParameters.InjectedTag));
        cell.Metadata[NotebookCell.TagsKey] = new JsonArray(NotebookParameters.InjectedTag);
        notebook.Cells.Insert(parametersIndex + 1, cell);
    }

    private static void RecordMetadata(NotebookDocument notebook)
    {
        var parameters = new JsonObject();
        JsonNode? seed = null;
        foreach (var parameter in NotebookParameters.Effective(notebook.Cells))
        {
            parameters[parameter.Name] = parameter.Value?.DeepClone();
            if (parameter.Name.Equals("seed", StringComparison.OrdinalIgnoreCase))
            {
                seed = parameter.Value?.DeepClone();
            }
        }
        notebook.Metadata["kernelspec"] = new JsonObject
        {
            ["display_name"] = "TwinLab (C#)",
            ["language"] = "C#",
            ["name"] = "twinlab",
        };
        notebook.Metadata["language_info"] = LanguageInfo();
        notebook.Metadata[MetadataKey] = new JsonObject
        {
            ["twinlab_version"] = About.TwinLabVersion,
            ["dotnet_version"] = About.DotNetVersion,
            ["parameters"] = parameters,
            ["seed"] = seed,
            ["seed_policy"] = About.SeedPolicy,
        };
    }

    /// <summary>The <c>language_info</c> of TwinLab's kernel (also sent in kernel_info replies).</summary>
    /// <returns>The JSON object.</returns>
    public static JsonObject LanguageInfo() => new()
    {
        ["codemirror_mode"] = "text/x-csharp",
        ["file_extension"] = ".cs",
        ["mimetype"] = "text/x-csharp",
        ["name"] = "C#",
        ["pygments_lexer"] = "csharp",
        ["version"] = About.LanguageVersion,
    };

    /// <summary>Turns engine events into nbformat outputs of the current cell.</summary>
    private sealed class OutputCollector : IExecutionListener
    {
        private readonly Dictionary<string, List<JsonObject>> _byDisplayId = new(StringComparer.Ordinal);
        private NotebookCell? _cell;
        private bool _clearPending;

        public void Begin(NotebookCell cell)
        {
            _cell = cell;
            _clearPending = false;
        }

        public void End()
        {
            if (_clearPending && _cell is not null)
            {
                _cell.Outputs.Clear();
            }
            _cell = null;
        }

        public void OnStream(string name, string text)
        {
            var outputs = Outputs();
            if (outputs.Count > 0 && NotebookOutputs.TypeOf(outputs[^1]) == "stream" && NotebookOutputs.StringOf(outputs[^1], "name") == name)
            {
                outputs[^1]["text"] = NotebookOutputs.StringOf(outputs[^1], "text") + text;
                return;
            }
            outputs.Add(NotebookOutputs.Stream(name, text));
        }

        public void OnDisplay(MimeBundle bundle, string displayId)
        {
            var output = NotebookOutputs.DisplayData(bundle);
            Outputs().Add(output);
            if (!_byDisplayId.TryGetValue(displayId, out var list))
            {
                _byDisplayId[displayId] = list = [];
            }
            list.Add(output);
        }

        public void OnUpdateDisplay(MimeBundle bundle, string displayId)
        {
            if (_byDisplayId.TryGetValue(displayId, out var outputs))
            {
                foreach (var output in outputs)
                {
                    output["data"] = NotebookOutputs.Data(bundle);
                }
            }
        }

        public void OnClearOutput(bool wait)
        {
            if (wait)
            {
                _clearPending = true;
            }
            else
            {
                _cell?.Outputs.Clear();
            }
        }

        public string? OnInputRequest(string prompt, bool password) =>
            throw new InvalidOperationException("a headless run cannot answer Console.ReadLine(); give the value as a parameter instead (twinlab run -p name=value).");

        private IList<JsonObject> Outputs()
        {
            var cell = _cell ?? throw new InvalidOperationException("No cell is running.");
            if (_clearPending)
            {
                cell.Outputs.Clear();
                _clearPending = false;
            }
            return cell.Outputs;
        }
    }
}
