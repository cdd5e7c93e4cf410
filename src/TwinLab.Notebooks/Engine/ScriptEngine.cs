using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using TwinLab.Interactive;

namespace TwinLab.Notebooks.Engine;

/// <summary>Settings of a <see cref="ScriptEngine"/>.</summary>
public sealed class EngineOptions
{
    /// <summary>The formatters that turn values into MIME bundles.</summary>
    public FormatterRegistry Formatters { get; init; } = FormatterRegistry.Default;

    /// <summary>How often console output of a running cell is passed on (default 100 ms).</summary>
    public TimeSpan StreamFlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long an interrupt waits for the cell to notice its cancellation token before it also wakes the
    /// cell's thread from a sleep or wait (default 300 ms).</summary>
    public TimeSpan InterruptGrace { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Where assemblies referenced with <c>#r</c> are copied before loading, so that the originals can be
    /// rebuilt while the engine runs (default: a folder under the temporary directory, removed on dispose).</summary>
    public string? ShadowCopyDirectory { get; init; }
}

/// <summary>
/// TwinLab's C# execution engine, shared by the Jupyter kernel and the headless runner. Cells are Roslyn script
/// submissions: variables, methods and types carry over from cell to cell, <c>await</c> works at the top level, and
/// TwinLab's assemblies and namespaces are preloaded. A cell's last expression (without a semicolon) is its result;
/// <c>display(x)</c> shows values as it runs; console output is captured as streams; magics are <c>#!time</c>,
/// <c>#!about</c> and <c>#r "path.dll"</c>. Cells run one at a time on their own thread; <see cref="Interrupt"/> stops
/// the running cell without harming the engine.
/// </summary>
public sealed class ScriptEngine : IDisposable
{
    /// <summary>The C# version cells are compiled with.</summary>
    internal static readonly LanguageVersion LanguageVersion = LanguageVersion.Latest.MapSpecifiedToEffectiveVersion();

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion, kind: SourceCodeKind.Script);

    private readonly EngineOptions _settings;
    private readonly Lock _executeGate = new();
    private readonly Lock _interruptGate = new();
    private readonly NotebookGlobals _globals = new();
    private readonly string _shadowDirectory;
    private ScriptOptions _options;
    private ScriptState<object>? _state;
    private RunningCell? _running;
    private string? _stuck;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">Settings (defaults when null).</param>
    public ScriptEngine(EngineOptions? options = null)
    {
        _settings = options ?? new EngineOptions();
        _shadowDirectory = _settings.ShadowCopyDirectory
            ?? Path.Combine(Path.GetTempPath(), "twinlab-shadow", $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..24]);
        _options = ScriptOptions.Default
            .WithReferences(ScriptReferences.Default)
            .WithImports(ScriptReferences.Imports)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithLanguageVersion(LanguageVersion)
            .WithCheckOverflow(false);
        ConsoleRouter.Install();
    }

    /// <summary>The formatters in use.</summary>
    public FormatterRegistry Formatters => _settings.Formatters;

    /// <summary>Whether a cell is running.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_interruptGate)
            {
                return _running is not null;
            }
        }
    }

    /// <summary>Compiles and runs a throwaway submission so that the compiler is loaded and jitted before the first
    /// real cell (takes a few seconds; call it on a background thread).</summary>
    public void WarmUp()
    {
        var script = CSharpScript.Create("var __warm = new List<int> { 1, 2 }.Sum(); __warm.ToString(CultureInfo.InvariantCulture)", _options, typeof(NotebookGlobals));
        script.Compile();
        script.RunAsync(new NotebookGlobals()).GetAwaiter().GetResult();
        _ = new CodeAssistance(null, _options).Complete("Math.", 5);
    }

    /// <summary>Executes one cell, passing its outputs to <paramref name="listener"/> as they happen, and returns when
    /// it has finished, failed, been interrupted or timed out.</summary>
    /// <param name="request">The cell.</param>
    /// <param name="listener">Receives streams, displays and input requests.</param>
    /// <returns>How the cell ended, with the value of its last expression.</returns>
    public CellOutcome Execute(CellRequest request, IExecutionListener listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listener);
        lock (_executeGate)
        {
            var wall = Stopwatch.StartNew();
            if (_stuck is not null)
            {
                return new CellOutcome(CellStatus.Error, null, new ExecutionError("EngineStuck", _stuck, [$"EngineStuck: {_stuck}"]), wall.Elapsed);
            }
            // Reading the process's CPU time costs a system call: only for cells that ask for #!time.
            var cpu = request.Code.Contains("#!time", StringComparison.Ordinal) ? Process.GetCurrentProcess().TotalProcessorTime : TimeSpan.Zero;
            var sink = new CellOutputSink(listener, request.DisplayIdPrefix, _settings.StreamFlushInterval);
            using var cancellation = new CancellationTokenSource();
            var cell = new RunningCell(cancellation);
            lock (_interruptGate)
            {
                _running = cell;
            }
            TimedOutcome timed;
            try
            {
                timed = RunOnCellThread(request, sink, cell);
            }
            finally
            {
                lock (_interruptGate)
                {
                    _running = null;
                    cell.EscalationTimer?.Dispose();
                    if (cell.InterruptRequested)
                    {
                        CellCancellation.RemovePending();
                    }
                }
            }
            var outcome = timed.Outcome with { WallTime = wall.Elapsed };
            if (timed.Time)
            {
                var cpuTime = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                sink.Write("stdout", $"Wall time: {Duration(wall.Elapsed)}\nCPU time: {Duration(cpuTime)} (process)\n");
            }
            sink.Dispose();
            return outcome;
        }
    }

    /// <summary>Interrupts the running cell, if any: its cancellation token is cancelled (loops in the cell check it,
    /// and TwinLab's long-running APIs observe it); if the cell is still running after a short grace period, its
    /// thread is also woken from any sleep or wait.</summary>
    public void Interrupt()
    {
        lock (_interruptGate)
        {
            var cell = _running;
            if (cell is null || cell.InterruptRequested)
            {
                return;
            }
            cell.InterruptRequested = true;
            CellCancellation.AddPending();
            cell.Cancellation.Cancel();
            cell.EscalationTimer = new Timer(_ => Escalate(cell), null, _settings.InterruptGrace, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Completion candidates at a position of a cell, from the semantic model of the cell in the context of
    /// the cells run so far.</summary>
    /// <param name="code">The cell's code.</param>
    /// <param name="position">The cursor, as a UTF-16 index into <paramref name="code"/>.</param>
    /// <returns>The candidates and the span they replace.</returns>
    public CompletionResult Complete(string code, int position)
    {
        ArgumentNullException.ThrowIfNull(code);
        return new CodeAssistance(_state, _options).Complete(Magics.Parse(code).Code, position);
    }

    /// <summary>What is known about the symbol at a position: its signature and XML documentation summary.</summary>
    /// <param name="code">The cell's code.</param>
    /// <param name="position">The cursor, as a UTF-16 index into <paramref name="code"/>.</param>
    /// <returns>The description, or null when there is no symbol there.</returns>
    public string? Inspect(string code, int position)
    {
        ArgumentNullException.ThrowIfNull(code);
        return new CodeAssistance(_state, _options).Inspect(Magics.Parse(code).Code, position);
    }

    /// <summary>Whether a cell's code is a complete submission (Jupyter's is_complete).</summary>
    /// <param name="code">The code.</param>
    /// <returns>The status.</returns>
    public static CodeCompleteness IsComplete(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var tree = CSharpSyntaxTree.ParseText(Magics.Parse(code).Code, ParseOptions);
        if (!SyntaxFactory.IsCompleteSubmission(tree))
        {
            return CodeCompleteness.Incomplete;
        }
        return tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error) ? CodeCompleteness.Invalid : CodeCompleteness.Complete;
    }

    /// <summary>Removes the shadow copies of referenced assemblies.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_shadowDirectory))
            {
                Directory.Delete(_shadowDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Files still in use; the temporary directory is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Escalate(RunningCell cell)
    {
        lock (_interruptGate)
        {
            if (_running == cell && cell.Phase == CellPhase.Running)
            {
                cell.Thread!.Interrupt();
            }
        }
    }

    private static string Duration(TimeSpan time) => time.TotalSeconds >= 1
        ? time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s"
        : time.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    private TimedOutcome RunOnCellThread(CellRequest request, CellOutputSink sink, RunningCell cell)
    {
        TimedOutcome? outcome = null;
        var thread = new Thread(() =>
        {
            using var console = ConsoleRouter.Use(sink);
            using var display = Display.UseSink(sink, _settings.Formatters);
            CellCancellation.Use(cell.Cancellation.Token);
            try
            {
                outcome = RunCell(request, sink, cell);
            }
#pragma warning disable CA1031 // Whatever escapes is reported as the cell's error; the engine keeps running.
            catch (Exception e)
#pragma warning restore CA1031
            {
                outcome = new TimedOutcome(Failed(ErrorFormatter.Runtime(e)), false);
            }
        }, maxStackSize: 64 * 1024 * 1024)
        {
            IsBackground = true,
            Name = "TwinLab cell",
        };
        cell.Thread = thread;
        thread.Start();
        if (request.Timeout is not { } timeout)
        {
            thread.Join();
        }
        else if (!thread.Join(timeout))
        {
            Interrupt();
            var message = $"the cell ran longer than the {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s timeout and was interrupted";
            if (!thread.Join(TimeSpan.FromSeconds(10)))
            {
                _stuck = $"an earlier cell ({request.CellName}) timed out and did not stop when interrupted; restart to continue";
                return new TimedOutcome(Failed(new ExecutionError("TimeoutError", message + ", but did not stop", [$"TimeoutError: {message}, but did not stop"])), false);
            }
            var traceback = outcome?.Outcome.Error?.Traceback.Skip(1) ?? [];
            return new TimedOutcome(Failed(new ExecutionError("TimeoutError", message, [$"TimeoutError: {message}", .. traceback])), outcome?.Time ?? false);
        }
        return outcome ?? new TimedOutcome(Failed(new ExecutionError("EngineError", "the cell produced no outcome", ["EngineError: the cell produced no outcome"])), false);
    }

    private static CellOutcome Failed(ExecutionError error) => new(CellStatus.Error, null, error, TimeSpan.Zero);

    private TimedOutcome RunCell(CellRequest request, CellOutputSink sink, RunningCell cell)
    {
        var magics = Magics.Parse(request.Code);
        if (magics.Errors.Count > 0)
        {
            return new TimedOutcome(Failed(ErrorFormatter.Magic(magics.Errors, request.CellName)), false);
        }
        if (magics.About)
        {
            sink.Write("stdout", About.Text);
        }
        foreach (var reference in magics.References)
        {
            var error = AddReference(reference);
            if (error is not null)
            {
                return new TimedOutcome(Failed(new ExecutionError("ReferenceError", error, [$"{request.CellName}: #r \"{reference}\": {error}"])), magics.Time);
            }
        }
        var code = magics.Code;
        if (code.Trim().Length == 0)
        {
            return new TimedOutcome(new CellOutcome(CellStatus.Ok, null, null, TimeSpan.Zero), magics.Time);
        }

        var options = _options.WithFilePath(request.CellName);
        var tree = CSharpSyntaxTree.ParseText(code, ParseOptions);
        var instrumented = InterruptChecks.Insert(tree);
        var script = Create(instrumented ?? code, options);
        var errors = Errors(script);
        if (errors.Count > 0 && instrumented is not null)
        {
            // Report positions in the cell as written.
            var original = Errors(Create(code, options));
            errors = original.Count > 0 ? original : errors;
        }
        if (errors.Count > 0)
        {
            return new TimedOutcome(Failed(ErrorFormatter.Compilation(errors, code, request.CellName)), magics.Time);
        }
        var hasValue = EndsWithValue(script);

        SetPhase(cell, CellPhase.Running);
        ScriptState<object> state;
        try
        {
            var task = _state is null
                ? script.RunAsync(_globals, _ => true, cell.Cancellation.Token)
                : script.RunFromAsync(_state, _ => true, cell.Cancellation.Token);
            state = task.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ThreadInterruptedException or OperationCanceledException)
        {
            SetPhase(cell, CellPhase.Finishing);
            return new TimedOutcome(Failed(Interrupted(e)), magics.Time);
        }
        SetPhase(cell, CellPhase.Finishing);
        _state = state;
        if (state.Exception is { } exception)
        {
            var error = cell.InterruptRequested && IsInterruption(exception) ? Interrupted(exception) : ErrorFormatter.Runtime(exception);
            return new TimedOutcome(Failed(error), magics.Time);
        }
        var result = hasValue ? _settings.Formatters.Format(state.ReturnValue) : null;
        return new TimedOutcome(new CellOutcome(CellStatus.Ok, result, null, TimeSpan.Zero), magics.Time);
    }

    private static ExecutionError Interrupted(Exception exception) =>
        ErrorFormatter.Runtime(exception, "Interrupted", "the cell was interrupted");

    private static bool IsInterruption(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is OperationCanceledException or ThreadInterruptedException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Moves the cell to a new phase; once it is finishing, an interrupt that was raised but not yet
    /// delivered is consumed here rather than in the engine's own code.</summary>
    private void SetPhase(RunningCell cell, CellPhase phase)
    {
        while (true)
        {
            try
            {
                lock (_interruptGate)
                {
                    cell.Phase = phase;
                }
                break;
            }
            catch (ThreadInterruptedException)
            {
                // Delivered while waiting for the lock; try again.
            }
        }
        if (phase == CellPhase.Finishing)
        {
            try
            {
                Thread.Sleep(0);
            }
            catch (ThreadInterruptedException)
            {
                // The interrupt arrived after the cell's code had finished.
            }
        }
    }

    private Script<object> Create(string code, ScriptOptions options) => _state is null
        ? CSharpScript.Create(code, options, typeof(NotebookGlobals))
        : _state.Script.ContinueWith(code, options);

    private static List<Diagnostic> Errors(Script script) =>
        [.. script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).OrderBy(d => d.Location.SourceSpan.Start)];

    /// <summary>Whether the script ends with an expression without a semicolon whose type is not void.</summary>
    private static bool EndsWithValue(Script script)
    {
        var compilation = script.GetCompilation();
        var tree = compilation.SyntaxTrees.Last();
        var root = (CompilationUnitSyntax)tree.GetRoot();
        if (root.Members.LastOrDefault() is not GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }
            || !statement.SemicolonToken.IsMissing)
        {
            return false;
        }
        var type = compilation.GetSemanticModel(tree).GetTypeInfo(statement.Expression).Type;
        return type is null || type.SpecialType != SpecialType.System_Void;
    }

    /// <summary>Adds an assembly reference for this and later cells: a local file (shadow-copied first) or a
    /// framework assembly by name. Returns an error message, or null.</summary>
    private string? AddReference(string target)
    {
        string? path = null;
        var local = Path.GetFullPath(target);
        if (File.Exists(local))
        {
            path = ShadowCopy(local);
        }
        else if (!target.Contains('/', StringComparison.Ordinal) && !target.Contains('\\', StringComparison.Ordinal))
        {
            path = ScriptReferences.FrameworkAssembly(target);
        }
        if (path is null)
        {
            return $"no such assembly: '{local}' does not exist (paths are relative to {Environment.CurrentDirectory}).";
        }
        _options = _options.AddReferences(ScriptReferences.FromFile(path));
        return null;
    }

    /// <summary>Copies an assembly (with its .pdb and .xml) into a fresh folder of the shadow directory.</summary>
    private string ShadowCopy(string path)
    {
        var stamp = File.GetLastWriteTimeUtc(path).Ticks.ToString("x", CultureInfo.InvariantCulture);
        var folder = Path.Combine(_shadowDirectory, $"{Path.GetFileNameWithoutExtension(path)}-{stamp}-{new FileInfo(path).Length}");
        Directory.CreateDirectory(folder);
        var copy = Path.Combine(folder, Path.GetFileName(path));
        if (!File.Exists(copy))
        {
            foreach (var extension in new[] { ".pdb", ".xml" })
            {
                var companion = Path.ChangeExtension(path, extension);
                if (File.Exists(companion))
                {
                    File.Copy(companion, Path.ChangeExtension(copy, extension), overwrite: true);
                }
            }
            File.Copy(path, copy, overwrite: true);
        }
        return copy;
    }

    private enum CellPhase
    {
        Compiling,
        Running,
        Finishing,
    }

    private sealed class RunningCell(CancellationTokenSource cancellation)
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Thread? Thread { get; set; }

        public CellPhase Phase { get; set; }

        public bool InterruptRequested { get; set; }

        public Timer? EscalationTimer { get; set; }
    }

    /// <summary>An outcome and whether <c>#!time</c> asked for the timing.</summary>
    private sealed record TimedOutcome(CellOutcome Outcome, bool Time);
}

/// <summary>The result of Jupyter's is_complete request.</summary>
public enum CodeCompleteness
{
    /// <summary>The code is a complete submission.</summary>
    Complete,

    /// <summary>More input is needed (an open brace, an unfinished statement).</summary>
    Incomplete,

    /// <summary>The code is complete but has syntax errors.</summary>
    Invalid,
}
