using System.Diagnostics;
using TwinLab.Interactive;
using TwinLab.Notebooks.Engine;

namespace TwinLab.Notebooks.Tests.Engine;

public sealed class ScriptEngineTests : IDisposable
{
    private readonly ScriptEngine _engine = new();

    public void Dispose() => _engine.Dispose();

    private (CellOutcome Outcome, RecordingListener Listener) Run(string code, string cell = "cell 1", RecordingListener? listener = null, TimeSpan? timeout = null)
    {
        listener ??= new RecordingListener();
        var outcome = _engine.Execute(new CellRequest(code) { CellName = cell, DisplayIdPrefix = "c1", Timeout = timeout }, listener);
        return (outcome, listener);
    }

    [Fact]
    public void State_carries_across_cells_and_the_last_expression_is_the_result()
    {
        var (first, _) = Run("var x = 20;\nint Twice(int v) => 2 * v;");
        Assert.True(first.Succeeded, first.Error?.Summary);
        Assert.Null(first.Result);
        var (second, _) = Run("Twice(x) + 2");
        Assert.True(second.Succeeded, second.Error?.Summary);
        Assert.Equal("42", second.Result!.PlainText);
    }

    [Fact]
    public void Void_expressions_and_statements_have_no_result()
    {
        var (outcome, listener) = Run("Console.WriteLine(\"hello\")");
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.Null(outcome.Result);
        Assert.Equal("hello\n", listener.Stdout);
    }

    [Fact]
    public void Top_level_await_works()
    {
        var (outcome, _) = Run("await Task.Delay(10);\nawait Task.FromResult(7)");
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.Equal("7", outcome.Result!.PlainText);
    }

    [Fact]
    public void Compile_errors_name_the_cell_line_column_and_diagnostic_id()
    {
        var (outcome, _) = Run("var a = 1;\nvar b = a + missing;", cell: "cell 4");
        Assert.False(outcome.Succeeded);
        Assert.Equal("CompilationError", outcome.Error!.Name);
        Assert.StartsWith("(2,13): error CS0103: The name 'missing' does not exist", outcome.Error.Value, StringComparison.Ordinal);
        Assert.Equal("cell 4 (2,13): error CS0103: The name 'missing' does not exist in the current context", outcome.Error.Traceback[0]);
        Assert.Equal("    var b = a + missing;", outcome.Error.Traceback[1]);
        Assert.Equal("                ^", outcome.Error.Traceback[2]);
    }

    [Fact]
    public void Compile_errors_in_cells_with_loops_keep_their_columns()
    {
        var (outcome, _) = Run("for (var i = 0; i < 3; i++) { var y = i + nope; }");
        Assert.Equal("CompilationError", outcome.Error!.Name);
        Assert.StartsWith("(1,43): error CS0103", outcome.Error.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_errors_show_a_trimmed_stack_trace_pointing_at_the_cell_line()
    {
        var (outcome, _) = Run("int Divide(int a, int b) => a / b;\nvar zero = 0;\nDivide(1, zero)", cell: "cell 7");
        Assert.False(outcome.Succeeded);
        Assert.Equal("DivideByZeroException", outcome.Error!.Name);
        Assert.Equal("DivideByZeroException: Attempted to divide by zero.", outcome.Error.Traceback[0]);
        Assert.Equal("   at Divide(int a, int b) in cell 7, line 1", outcome.Error.Traceback[1]);
        Assert.Equal("   at <top-level code> in cell 7, line 3", outcome.Error.Traceback[2]);
        Assert.Equal(3, outcome.Error.Traceback.Count);
    }

    [Fact]
    public void Variables_defined_before_a_runtime_error_survive_it()
    {
        Run("var kept = 5;\nthrow new InvalidOperationException(\"boom\");");
        var (outcome, _) = Run("kept");
        Assert.Equal("5", outcome.Result!.PlainText);
    }

    [Fact]
    public void A_failed_compile_leaves_the_state_unchanged()
    {
        Run("var v = 1;");
        Run("var v = 2; v = \"text\";");
        var (outcome, _) = Run("v");
        Assert.Equal("1", outcome.Result!.PlainText);
    }

    [Fact]
    public void Display_shows_values_and_handles_update_them_in_place()
    {
        var (outcome, listener) = Run("var h = display(1);\nConsole.WriteLine(\"between\");\nh.Update(2);\ndisplay(new[] { 1, 2, 3 });");
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.Equal(
            [("display", "1", "c1-1"), ("stdout", "between\n", null), ("update", "2", "c1-1"), ("display", "[ 1, 2, 3 ]", "c1-2")],
            listener.Events);
        Assert.True(listener.Bundles[2].ContainsKey(MimeTypes.Html));
    }

    [Fact]
    public void A_handle_from_an_earlier_cell_updates_that_cells_output()
    {
        Run("var handle = display(\"first\");");
        var (_, listener) = Run("handle.Update(\"second\");");
        Assert.Equal([("update", "second", "c1-1")], listener.Events);
    }

    [Fact]
    public void Console_output_is_captured_as_stdout_and_stderr_streams()
    {
        var (_, listener) = Run("Console.Write(\"a\"); Console.Error.WriteLine(\"oops\"); Console.WriteLine(\"b\");");
        Assert.Equal([("stdout", "a", null), ("stderr", "oops\n", null), ("stdout", "b\n", null)], listener.Events);
    }

    [Fact]
    public void Console_output_is_flushed_while_a_long_cell_runs()
    {
        var listener = new RecordingListener();
        var seenDuringRun = false;
        var watcher = new Thread(() =>
        {
            var stopwatch = Stopwatch.StartNew();
            while (stopwatch.Elapsed < TimeSpan.FromSeconds(20))
            {
                lock (listener.Events)
                {
                }
                if (listener.Stdout.Contains("tick", StringComparison.Ordinal) && _engine.IsRunning)
                {
                    seenDuringRun = true;
                    return;
                }
                Thread.Sleep(20);
            }
        });
        watcher.Start();
        var (outcome, _) = Run("Console.WriteLine(\"tick\");\nfor (var i = 0; i < 300 && !System.IO.File.Exists(\"/nonexistent/stop\"); i++) { Thread.Sleep(10); }", listener: listener);
        watcher.Join();
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.True(seenDuringRun, "stdout was not passed on while the cell was still running");
    }

    [Fact]
    public void Interrupt_stops_a_long_loop_and_the_engine_keeps_working()
    {
        Run("var counter = 0;");
        // The cell marks when its loop starts (compiling it can take longer than any fixed delay on a busy machine).
        var started = Path.Combine(Path.GetTempPath(), $"twinlab-interrupt-{Guid.NewGuid():N}");
        var interrupter = new Thread(() =>
        {
            var waiting = Stopwatch.StartNew();
            while (!File.Exists(started) && waiting.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(5);
            }
            Thread.Sleep(50);
            _engine.Interrupt();
        });
        interrupter.Start();
        var stopwatch = Stopwatch.StartNew();
        var (outcome, _) = Run($"System.IO.File.WriteAllText(@\"{started}\", \"\");\nwhile (true) {{ counter++; }}");
        File.Delete(started);
        interrupter.Join();
        Assert.Equal("Interrupted", outcome.Error!.Name);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30));
        var (after, _) = Run("counter > 0");
        Assert.Equal("True", after.Result!.PlainText);
    }

    [Fact]
    public void Interrupt_wakes_a_cell_that_sleeps()
    {
        var interrupter = new Thread(() =>
        {
            while (!_engine.IsRunning)
            {
                Thread.Sleep(5);
            }
            Thread.Sleep(200);
            _engine.Interrupt();
        });
        interrupter.Start();
        var (outcome, _) = Run("Thread.Sleep(60_000);");
        interrupter.Join();
        Assert.Equal("Interrupted", outcome.Error!.Name);
        Assert.True(Run("1 + 1").Outcome.Succeeded);
    }

    [Fact]
    public void The_cancellation_token_global_is_cancelled_by_an_interrupt()
    {
        var interrupter = new Thread(() =>
        {
            while (!_engine.IsRunning)
            {
                Thread.Sleep(5);
            }
            Thread.Sleep(200);
            _engine.Interrupt();
        });
        interrupter.Start();
        var (outcome, _) = Run("await Task.Delay(60_000, CancellationToken);");
        interrupter.Join();
        Assert.Equal("Interrupted", outcome.Error!.Name);
    }

    [Fact]
    public void A_timeout_interrupts_the_cell()
    {
        var (outcome, _) = Run("while (true) { }", timeout: TimeSpan.FromMilliseconds(300));
        Assert.Equal("TimeoutError", outcome.Error!.Name);
        Assert.True(Run("2").Outcome.Succeeded);
    }

    [Fact]
    public void Time_magic_reports_wall_and_cpu_time()
    {
        var (outcome, listener) = Run("#!time\nThread.Sleep(20);\n1");
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.Matches("^Wall time: [0-9.]+ (ms|s)\nCPU time: [0-9.]+ (ms|s) \\(process\\)\n$", listener.Stdout);
        Assert.Equal("1", outcome.Result!.PlainText);
    }

    [Fact]
    public void About_magic_prints_versions_and_the_seed_policy()
    {
        var (outcome, listener) = Run("#!about");
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.Contains("TwinLab " + About.TwinLabVersion, listener.Stdout, StringComparison.Ordinal);
        Assert.Contains(".NET " + Environment.Version, listener.Stdout, StringComparison.Ordinal);
        Assert.Contains("Seed policy: Every stochastic TwinLab API takes a seed or a RandomStream", listener.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_magics_are_errors()
    {
        var (outcome, _) = Run("#!frobnicate\n1");
        Assert.Equal("MagicError", outcome.Error!.Name);
        Assert.Contains("unknown magic '#!frobnicate'", outcome.Error.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Twinlab_namespaces_are_preloaded()
    {
        var (outcome, _) = Run("var model = ModelLibrary.Get(\"gompertz\");\nvar solution = new OdeProblem(model, (0, 10)).Solve(new Tsit5(), CancellationToken);\nsolution.Status");
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.Equal("Success", outcome.Result!.PlainText);
    }

    [Fact]
    public void Models_render_as_latex_and_html()
    {
        var (outcome, _) = Run("ModelLibrary.Get(\"gompertz\")");
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.StartsWith("$$\\begin{aligned}", outcome.Result![MimeTypes.Latex], StringComparison.Ordinal);
        Assert.Contains("<table", outcome.Result[MimeTypes.Html], StringComparison.Ordinal);
    }

    [Fact]
    public void Console_ReadLine_asks_the_host_for_input()
    {
        var listener = new RecordingListener { Input = prompt => "Ada" };
        var (outcome, _) = Run("Console.Write(\"Name? \");\nvar name = Console.ReadLine();\n$\"Hello {name}\"", listener: listener);
        Assert.True(outcome.Succeeded, outcome.Error?.Summary);
        Assert.Equal("Hello Ada", outcome.Result!.PlainText);
        Assert.Contains(("input", "Name? ", null), listener.Events);
    }

    [Fact]
    public void Completion_offers_names_in_scope_and_members_after_a_dot()
    {
        Run("var patientCount = 3;\nvar text = \"abc\";");
        var names = _engine.Complete("patie", 5);
        Assert.Contains("patientCount", names.Matches);
        Assert.Equal(0, names.Start);
        Assert.Equal(5, names.End);

        var members = _engine.Complete("text.To", 7);
        Assert.Contains("ToUpperInvariant", members.Matches);
        Assert.DoesNotContain("patientCount", members.Matches);
        Assert.Equal(5, members.Start);

        var statics = _engine.Complete("Math.", 5);
        Assert.Contains("Sqrt", statics.Matches);

        var twinlab = _engine.Complete("ModelLibrary.", 13);
        Assert.Contains("Get", twinlab.Matches);
    }

    [Fact]
    public void Inspection_gives_the_signature_and_documentation_summary()
    {
        var text = _engine.Inspect("ModelLibrary.Get(\"gompertz\")", 14);
        Assert.NotNull(text);
        Assert.Contains("ModelLibrary.Get(string", text, StringComparison.Ordinal);
        Assert.Contains("\n\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("var x = 1;", CodeCompleteness.Complete)]
    [InlineData("if (true) {", CodeCompleteness.Incomplete)]
    [InlineData("var x = ;", CodeCompleteness.Invalid)]
    public void Is_complete_classifies_code(string code, CodeCompleteness expected) =>
        Assert.Equal(expected, ScriptEngine.IsComplete(code));
}
