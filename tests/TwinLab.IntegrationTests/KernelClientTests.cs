using System.Text.Json.Nodes;

namespace TwinLab.IntegrationTests;

/// <summary>Runs Scripts/drive_kernel.py once: jupyter_client's KernelManager starts TwinLab's kernel from its
/// kernelspec and a BlockingKernelClient drives it through every request front ends make.</summary>
public sealed class KernelSession : IDisposable
{
    public KernelSession()
    {
        JupyterTools.Require();
        (Prefix, var environment) = JupyterTools.InstallKernel();
        var run = JupyterTools.Python(JupyterTools.Script("drive_kernel.py"), environment, TimeSpan.FromMinutes(4));
        Run = run;
        Results = run.ExitCode == 0 ? JupyterTools.ParseJson(run) : null;
    }

    public string Prefix { get; }

    public ProcessResult Run { get; }

    public JsonObject? Results { get; }

    /// <summary>The observations of one step (fails the test when the script or the step failed).</summary>
    public JsonObject Step(string name)
    {
        Assert.True(Results is not null, "drive_kernel.py failed: " + Run.Describe());
        var step = Results![name] as JsonObject;
        Assert.True(step is not null, $"drive_kernel.py recorded nothing for '{name}'.\n{Run.Error}");
        Assert.True(step!["exception"] is null, $"step '{name}' raised:\n{step["exception"]}\n--- kernel log ---\n{Run.Error}");
        return step;
    }

    public void Dispose() => Directory.Delete(Prefix, recursive: true);
}

[Collection(KernelTestGroup.Name)]
public sealed class KernelClientTests(KernelSession session) : IClassFixture<KernelSession>
{
    private static string Text(JsonNode? node) => node?.GetValue<string>() ?? "";

    private static List<JsonObject> Messages(JsonObject step, string key = "messages") =>
        [.. step[key]!.AsArray().Select(m => m!.AsObject())];

    [Fact]
    public void Kernel_info_answers_on_shell_and_control_with_busy_and_idle()
    {
        var step = session.Step("kernel_info");
        var shell = step["shell"]!;
        Assert.Equal("ok", Text(shell["status"]));
        Assert.Equal("5.3", Text(shell["protocol_version"]));
        Assert.Equal("twinlab", Text(shell["implementation"]));
        Assert.Equal("C#", Text(shell["language_info"]!["name"]));
        Assert.Equal(["busy", "idle"], step["shell_statuses"]!.AsArray().Select(Text));
        Assert.Equal("kernel_info_reply", Text(step["control_type"]));
        Assert.Equal("twinlab", Text(step["control"]!["implementation"]));
        Assert.Contains("Seed policy", Text(shell["banner"]), StringComparison.Ordinal);
    }

    [Fact]
    public void The_kernel_listens_only_on_the_connection_files_address()
    {
        var step = session.Step("listening");
        Assert.Equal("127.0.0.1", Text(step["ip"]));
        var listening = step["listening"]!.AsArray();
        Assert.Equal(5, listening.Count);
        Assert.All(listening, l => Assert.Equal("0100007F", Text(l!["address"])));
    }

    [Fact]
    public void Execute_publishes_input_display_update_streams_and_a_rich_result()
    {
        var step = session.Step("execute_rich");
        Assert.Equal("ok", Text(step["reply"]!["status"]));
        var messages = Messages(step);
        Assert.Equal(
            ["status", "execute_input", "display_data", "update_display_data", "stream", "stream", "display_data", "execute_result", "status"],
            messages.Select(m => Text(m["msg_type"])));
        var display = messages[2]["content"]!;
        var update = messages[3]["content"]!;
        Assert.Equal("<b>first</b>", Text(display["data"]!["text/html"]));
        Assert.Equal("<b>second</b>", Text(update["data"]!["text/html"]));
        Assert.Equal(Text(display["transient"]!["display_id"]), Text(update["transient"]!["display_id"]));
        Assert.Equal("to stdout\n", Text(messages[4]["content"]!["text"]));
        Assert.Equal("stderr", Text(messages[5]["content"]!["name"]));
        Assert.Contains("<table", Text(messages[6]["content"]!["data"]!["text/html"]), StringComparison.Ordinal);
        var result = messages[7]["content"]!["data"]!;
        Assert.StartsWith("$$\\begin{aligned}", Text(result["text/latex"]), StringComparison.Ordinal);
        Assert.Contains("Parameters", Text(result["text/html"]), StringComparison.Ordinal);
        Assert.Equal("busy", Text(messages[0]["content"]!["execution_state"]));
        Assert.Equal("idle", Text(messages[^1]["content"]!["execution_state"]));
    }

    [Fact]
    public void Clear_output_is_published_between_the_streams()
    {
        var step = session.Step("clear_output");
        var messages = Messages(step).Where(m => Text(m["msg_type"]) is "stream" or "clear_output").ToList();
        Assert.Equal(["stream", "clear_output", "stream"], messages.Select(m => Text(m["msg_type"])));
        Assert.Equal("old\n", Text(messages[0]["content"]!["text"]));
        Assert.True(messages[1]["content"]!["wait"]!.GetValue<bool>());
        Assert.Equal("new\n", Text(messages[2]["content"]!["text"]));
    }

    [Fact]
    public void Errors_are_published_and_replied_with_the_cell_line()
    {
        var step = session.Step("error");
        var reply = step["reply"]!;
        Assert.Equal("error", Text(reply["status"]));
        Assert.Equal("DivideByZeroException", Text(reply["ename"]));
        Assert.Contains(reply["traceback"]!.AsArray(), line => Text(line).EndsWith(", line 3", StringComparison.Ordinal));
        Assert.Contains(Messages(step), m => Text(m["msg_type"]) == "error");
        var compile = step["compile_reply"]!;
        Assert.Equal("CompilationError", Text(compile["ename"]));
        Assert.StartsWith("(1,9): error CS0103", Text(compile["evalue"]), StringComparison.Ordinal);
        Assert.Equal("ok", Text(step["after"]!["status"]));
    }

    [Fact]
    public void Stop_on_error_aborts_queued_executions()
    {
        var step = session.Step("stop_on_error");
        Assert.Equal("error", Text(step["failing"]!["status"]));
        Assert.Equal("aborted", Text(step["queued"]!["status"]));
        Assert.False(File.Exists("/tmp/twinlab-should-not-exist"));
    }

    [Fact]
    public void Complete_offers_names_in_scope_and_members_after_a_dot()
    {
        var step = session.Step("complete");
        Assert.Contains("patientCount", step["names"]!["matches"]!.AsArray().Select(Text));
        Assert.Equal(0, step["names"]!["cursor_start"]!.GetValue<int>());
        Assert.Contains("ToUpperInvariant", step["members"]!["matches"]!.AsArray().Select(Text));
        Assert.Equal(6, step["members"]!["cursor_start"]!.GetValue<int>());
        Assert.Contains("Get", step["twinlab"]!["matches"]!.AsArray().Select(Text));
    }

    [Fact]
    public void Inspect_gives_the_signature_and_summary()
    {
        var step = session.Step("inspect");
        Assert.True(step["found"]!["found"]!.GetValue<bool>());
        Assert.StartsWith("double Math.Sqrt(double d)", Text(step["found"]!["data"]!["text/plain"]), StringComparison.Ordinal);
        Assert.Contains("Returns the built-in model", Text(step["twinlab"]!["data"]!["text/plain"]), StringComparison.Ordinal);
        Assert.False(step["nothing"]!["found"]!.GetValue<bool>());
    }

    [Fact]
    public void Is_complete_classifies_code()
    {
        var step = session.Step("is_complete");
        Assert.Equal("complete", Text(step["complete"]!["status"]));
        Assert.Equal("incomplete", Text(step["incomplete"]!["status"]));
        Assert.Equal("invalid", Text(step["invalid"]!["status"]));
    }

    [Fact]
    public void Comm_info_and_history_are_empty()
    {
        var step = session.Step("comm_info_history");
        Assert.Empty(step["comm_info"]!["comms"]!.AsObject());
        Assert.Empty(step["history"]!["history"]!.AsArray());
    }

    [Fact]
    public void Console_ReadLine_becomes_an_input_request()
    {
        var step = session.Step("input");
        Assert.Equal("Name? ", Text(step["prompts"]![0]!["prompt"]));
        Assert.Contains(Messages(step), m => Text(m["msg_type"]) == "execute_result" && Text(m["content"]!["data"]!["text/plain"]) == "Hello Ada");
    }

    [Fact]
    public void An_interrupt_stops_a_long_loop_and_the_next_execute_succeeds()
    {
        var step = session.Step("interrupt");
        Assert.True(step["parent_matches"]!.GetValue<bool>());
        Assert.Equal("Interrupted", Text(step["reply"]!["ename"]));
        var traceback = step["reply"]!["traceback"]!.AsArray().Select(Text).ToList();
        Assert.Equal("Interrupted: the cell was interrupted", traceback[0]);
        Assert.Matches(@"^   at <top-level code> in cell \[\d+\], line 1$", Assert.Single(traceback.Skip(1)));
        Assert.Equal("ok", Text(step["after"]!["status"]));
        Assert.True(step["alive"]!.GetValue<bool>());
    }

    [Fact]
    public void Sigint_interrupts_the_cell_and_does_not_kill_the_kernel()
    {
        var step = session.Step("sigint");
        Assert.Equal("Interrupted", Text(step["reply"]!["ename"]));
        Assert.True(step["alive"]!.GetValue<bool>());
        Assert.Equal("ok", Text(step["after"]!["status"]));
    }

    [Fact]
    public void A_message_with_a_wrong_signature_is_ignored_and_never_executed()
    {
        var step = session.Step("bad_signature");
        Assert.False(step["replied"]!.GetValue<bool>());
        Assert.False(step["executed"]!.GetValue<bool>());
        Assert.Equal("ok", Text(step["signed_reply"]!["status"]));
        Assert.True(step["signed_executed"]!.GetValue<bool>(), "the correctly signed control message should have run");
        Assert.Equal("ok", Text(step["kernel_info_after"]));
        Assert.Contains("ignored a message on shell: invalid signature", session.Run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_starts_a_fresh_kernel()
    {
        var step = session.Step("restart");
        Assert.NotEqual(step["old_pid"]!.GetValue<int>(), step["new_pid"]!.GetValue<int>());
        Assert.Equal("CompilationError", Text(step["gone"]!["ename"]));
        Assert.Equal("ok", Text(step["fresh"]!["status"]));
    }

    [Fact]
    public void Shutdown_ends_the_kernel_process_cleanly()
    {
        var step = session.Step("shutdown");
        Assert.False(step["alive"]!.GetValue<bool>());
        Assert.Equal(0, step["returncode"]!.GetValue<int>());
    }
}
