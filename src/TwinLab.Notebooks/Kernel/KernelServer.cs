using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TwinLab.Interactive;
using TwinLab.Notebooks.Documents;
using TwinLab.Notebooks.Engine;
using TwinLab.Notebooks.Running;

namespace TwinLab.Notebooks.Kernel;

/// <summary>
/// TwinLab's Jupyter kernel: the messaging protocol 5.3 over ZeroMQ on the five sockets of a connection file. Shell
/// requests are handled in order on one thread (cells run on the engine's own threads); control requests (interrupt,
/// shutdown, kernel_info) on another, so they are answered while a cell runs; the heartbeat echoes on a third. Every
/// request is bracketed by busy and idle status messages on IOPub. Messages whose signature is wrong are logged and
/// ignored.
/// </summary>
public sealed class KernelServer : IDisposable
{
    private const int PollMilliseconds = 100;

    private readonly ConnectionInfo _connection;
    private readonly ScriptEngine _engine;
    private readonly TextWriter _log;
    private readonly MessageSigner _signer;
    private readonly string _session = Guid.NewGuid().ToString("N");
    private readonly Lock _iopubGate = new();
    private readonly Lock _stdinGate = new();
    private readonly ManualResetEventSlim _stopping = new(false);
    private readonly ZmqContext _context = new();
    private readonly ZmqSocket _shell;
    private readonly ZmqSocket _control;
    private readonly ZmqSocket _stdin;
    private readonly ZmqSocket _iopub;
    private readonly ZmqSocket _heartbeat;
    private volatile bool _stop;
    private bool _abandoned;
    private int _executionCount;

    /// <summary>Creates the kernel and binds its sockets to the connection's address.</summary>
    /// <param name="connection">The connection file's contents.</param>
    /// <param name="engine">The execution engine.</param>
    /// <param name="log">Where problems are logged (the kernel's standard error).</param>
    /// <exception cref="ZmqException">A socket cannot be bound (port in use, bad address, libzmq missing).</exception>
    public KernelServer(ConnectionInfo connection, ScriptEngine engine, TextWriter log)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _signer = new MessageSigner(connection.Key);
        _shell = Bind(ZmqNative.Router, connection.ShellPort);
        _control = Bind(ZmqNative.Router, connection.ControlPort);
        _stdin = Bind(ZmqNative.Router, connection.StdinPort);
        _iopub = Bind(ZmqNative.Pub, connection.IOPubPort);
        _heartbeat = Bind(ZmqNative.Rep, connection.HeartbeatPort);
    }

    /// <summary>Whether the last shutdown request asked for a restart.</summary>
    public bool RestartRequested { get; private set; }

    /// <summary>Serves requests until a shutdown request arrives (or <see cref="Stop"/> is called).</summary>
    public void Run()
    {
        Publish("status", new JsonObject { ["execution_state"] = "starting" }, null);
        var heartbeat = new Thread(HeartbeatLoop) { IsBackground = true, Name = "TwinLab kernel heartbeat" };
        var control = new Thread(() => RequestLoop(_control, "control")) { IsBackground = true, Name = "TwinLab kernel control" };
        var shell = new Thread(() => RequestLoop(_shell, "shell")) { IsBackground = true, Name = "TwinLab kernel shell" };
        heartbeat.Start();
        control.Start();
        shell.Start();
        _stopping.Wait();
        control.Join();
        heartbeat.Join();
        if (!shell.Join(TimeSpan.FromSeconds(3)))
        {
            _log.WriteLine("twinlab kernel: the running cell did not stop; exiting anyway.");
            _abandoned = true; // the shell thread may still touch its socket: leave the sockets to the process exit
            Thread.Sleep(200); // let ZeroMQ send the last replies
            return;
        }
        CloseSockets();
    }

    /// <summary>Asks the loops to stop (as a shutdown request does).</summary>
    public void Stop()
    {
        _stop = true;
        _engine.Interrupt();
        _stopping.Set();
    }

    /// <summary>Interrupts the running cell (as an interrupt request does).</summary>
    public void Interrupt() => _engine.Interrupt();

    /// <summary>Closes the sockets and the ZeroMQ context.</summary>
    public void Dispose()
    {
        if (!_abandoned)
        {
            CloseSockets();
            _stopping.Dispose();
        }
    }

    private void CloseSockets()
    {
        _shell.Dispose();
        _control.Dispose();
        _stdin.Dispose();
        _iopub.Dispose();
        _heartbeat.Dispose();
        _context.Dispose();
    }

    private ZmqSocket Bind(int type, int port)
    {
        var socket = _context.Socket(type);
        if (type == ZmqNative.Router)
        {
            socket.SetInt(ZmqNative.OptionRouterHandover, 1);
        }
        socket.Bind(_connection.Endpoint(port));
        return socket;
    }

    private void HeartbeatLoop()
    {
        while (!_stop)
        {
            if (_heartbeat.Poll(PollMilliseconds) && _heartbeat.Receive() is { } frames)
            {
                _heartbeat.Send(frames);
            }
        }
    }

    private void RequestLoop(ZmqSocket socket, string channel)
    {
        try
        {
            while (!_stop)
            {
                if (!socket.Poll(PollMilliseconds) || socket.Receive() is not { } frames)
                {
                    continue;
                }
                var request = Parse(frames, channel);
                if (request is not null)
                {
                    Dispatch(request, socket, channel);
                }
            }
        }
#pragma warning disable CA1031 // A broken loop is logged and ends the kernel rather than leaving it half alive.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log.WriteLine($"twinlab kernel: the {channel} loop failed: {e}");
            Stop();
        }
    }

    private JupyterMessage? Parse(List<byte[]> frames, string channel)
    {
        var message = JupyterMessage.FromFrames(frames, _signer, out var problem);
        if (message is null)
        {
            _log.WriteLine($"twinlab kernel: ignored a message on {channel}: {problem}.");
        }
        return message;
    }

    private void Dispatch(JupyterMessage request, ZmqSocket socket, string channel)
    {
        PublishStatus("busy", request);
        try
        {
            switch (request.MessageType)
            {
                case "kernel_info_request":
                    Reply(socket, request, "kernel_info_reply", KernelInfo());
                    break;
                case "execute_request" when channel == "shell":
                    Execute(request, socket);
                    break;
                case "complete_request":
                    Reply(socket, request, "complete_reply", Complete(request.Content));
                    break;
                case "inspect_request":
                    Reply(socket, request, "inspect_reply", Inspect(request.Content));
                    break;
                case "is_complete_request":
                    Reply(socket, request, "is_complete_reply", IsComplete(request.Content));
                    break;
                case "comm_info_request":
                    Reply(socket, request, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() });
                    break;
                case "history_request":
                    Reply(socket, request, "history_reply", new JsonObject { ["status"] = "ok", ["history"] = new JsonArray() });
                    break;
                case "interrupt_request":
                    _engine.Interrupt();
                    Reply(socket, request, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                    break;
                case "shutdown_request":
                    var restart = request.Content["restart"] is JsonValue r && r.GetValueKind() == JsonValueKind.True;
                    var content = new JsonObject { ["status"] = "ok", ["restart"] = restart };
                    Reply(socket, request, "shutdown_reply", content);
                    Publish("shutdown_reply", (JsonObject)content.DeepClone(), request);
                    RestartRequested = restart;
                    Stop();
                    break;
                case "comm_open":
                    // No comm targets are registered: tell the front end the comm is closed.
                    Publish("comm_close", new JsonObject { ["comm_id"] = Text(request.Content, "comm_id"), ["data"] = new JsonObject() }, request);
                    break;
                case "comm_msg":
                case "comm_close":
                    break;
                default:
                    _log.WriteLine($"twinlab kernel: unsupported message type '{request.MessageType}' on {channel}; ignored.");
                    break;
            }
        }
#pragma warning disable CA1031 // A failing handler answers with an error reply; the kernel keeps serving.
        catch (Exception e) when (e is not ZmqException)
#pragma warning restore CA1031
        {
            _log.WriteLine($"twinlab kernel: {request.MessageType} failed: {e}");
            if (request.MessageType.EndsWith("_request", StringComparison.Ordinal))
            {
                Reply(socket, request, request.MessageType.Replace("_request", "_reply", StringComparison.Ordinal), new JsonObject
                {
                    ["status"] = "error",
                    ["ename"] = e.GetType().Name,
                    ["evalue"] = e.Message,
                    ["traceback"] = new JsonArray(),
                });
            }
        }
        finally
        {
            PublishStatus("idle", request);
        }
    }

    private static JsonObject KernelInfo() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = JupyterMessage.ProtocolVersion,
        ["implementation"] = About.KernelName,
        ["implementation_version"] = About.TwinLabVersion,
        ["language_info"] = NotebookRunner.LanguageInfo(),
        ["banner"] = About.Text,
        ["help_links"] = new JsonArray(),
        ["debugger"] = false,
    };

    private void Execute(JupyterMessage request, ZmqSocket socket)
    {
        var content = request.Content;
        var code = Text(content, "code");
        var silent = Flag(content, "silent", false);
        var storeHistory = Flag(content, "store_history", !silent);
        var allowStdin = Flag(content, "allow_stdin", true);
        var stopOnError = Flag(content, "stop_on_error", true);
        if (!silent && storeHistory)
        {
            _executionCount++;
        }
        var count = _executionCount;
        if (!silent)
        {
            Publish("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count }, request);
        }
        var cellId = request.Metadata["cellId"] is JsonValue id && id.GetValueKind() == JsonValueKind.String ? id.GetValue<string>() : "cell";
        var listener = new KernelListener(this, request, silent, allowStdin);
        var outcome = _engine.Execute(new CellRequest(code)
        {
            CellName = $"cell [{count}]",
            DisplayIdPrefix = $"{cellId}-{count}",
        }, listener);
        if (outcome.Result is { } result && !silent)
        {
            Publish("execute_result", new JsonObject
            {
                ["execution_count"] = count,
                ["data"] = NotebookOutputs.Data(result),
                ["metadata"] = new JsonObject(),
            }, request);
        }
        if (outcome.Error is { } error)
        {
            var traceback = new JsonArray([.. error.Traceback.Select(t => (JsonNode)t)]);
            if (!silent)
            {
                Publish("error", new JsonObject { ["ename"] = error.Name, ["evalue"] = error.Value, ["traceback"] = traceback.DeepClone() }, request);
            }
            Reply(socket, request, "execute_reply", new JsonObject
            {
                ["status"] = "error",
                ["execution_count"] = count,
                ["ename"] = error.Name,
                ["evalue"] = error.Value,
                ["traceback"] = traceback,
            });
            if (stopOnError)
            {
                AbortQueuedExecutions(socket);
            }
            return;
        }
        Reply(socket, request, "execute_reply", new JsonObject
        {
            ["status"] = "ok",
            ["execution_count"] = count,
            ["user_expressions"] = new JsonObject(),
            ["payload"] = new JsonArray(),
        });
    }

    /// <summary>After a failed execution with stop_on_error: answers the execute requests already queued with status
    /// "aborted" (without running them); other queued requests are handled normally.</summary>
    private void AbortQueuedExecutions(ZmqSocket socket)
    {
        while (socket.Poll(0) && socket.Receive() is { } frames)
        {
            var queued = Parse(frames, "shell");
            if (queued is null)
            {
                continue;
            }
            if (queued.MessageType != "execute_request")
            {
                Dispatch(queued, socket, "shell");
                continue;
            }
            PublishStatus("busy", queued);
            Reply(socket, queued, "execute_reply", new JsonObject { ["status"] = "aborted", ["execution_count"] = _executionCount });
            PublishStatus("idle", queued);
        }
    }

    private JsonObject Complete(JsonObject content)
    {
        var code = Text(content, "code");
        var cursor = CodePoints.ToUtf16Index(code, Number(content, "cursor_pos", code.Length));
        var result = _engine.Complete(code, cursor);
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray([.. result.Matches.Select(m => (JsonNode)m)]),
            ["cursor_start"] = CodePoints.FromUtf16Index(code, result.Start),
            ["cursor_end"] = CodePoints.FromUtf16Index(code, result.End),
            ["metadata"] = new JsonObject(),
        };
    }

    private JsonObject Inspect(JsonObject content)
    {
        var code = Text(content, "code");
        var cursor = CodePoints.ToUtf16Index(code, Number(content, "cursor_pos", code.Length));
        var text = _engine.Inspect(code, cursor);
        return new JsonObject
        {
            ["status"] = "ok",
            ["found"] = text is not null,
            ["data"] = text is null ? new JsonObject() : new JsonObject { [MimeTypes.PlainText] = text },
            ["metadata"] = new JsonObject(),
        };
    }

    private static JsonObject IsComplete(JsonObject content)
    {
        var code = Text(content, "code");
        var status = ScriptEngine.IsComplete(code);
        var reply = new JsonObject
        {
            ["status"] = status switch
            {
                CodeCompleteness.Complete => "complete",
                CodeCompleteness.Incomplete => "incomplete",
                _ => "invalid",
            },
        };
        if (status == CodeCompleteness.Incomplete)
        {
            reply["indent"] = code.TrimEnd().EndsWith('{') ? "    " : "";
        }
        return reply;
    }

    private void Reply(ZmqSocket socket, JupyterMessage request, string messageType, JsonObject content)
    {
        var reply = new JupyterMessage
        {
            Identities = request.Identities,
            Header = JupyterMessage.NewHeader(messageType, _session),
            ParentHeader = request.Header,
            Content = content,
        };
        socket.Send(reply.ToFrames(_signer));
    }

    private void PublishStatus(string state, JupyterMessage parent) =>
        Publish("status", new JsonObject { ["execution_state"] = state }, parent);

    private void Publish(string messageType, JsonObject content, JupyterMessage? parent)
    {
        var message = new JupyterMessage
        {
            Identities = [Encoding.UTF8.GetBytes($"kernel.{_session}.{messageType}")],
            Header = JupyterMessage.NewHeader(messageType, _session),
            ParentHeader = parent?.Header ?? [],
            Content = content,
        };
        var frames = message.ToFrames(_signer);
        lock (_iopubGate)
        {
            _iopub.Send(frames);
        }
    }

    /// <summary>Asks the front end for a line of input on the stdin channel and waits for the reply (or an interrupt).</summary>
    private string? RequestInput(JupyterMessage parent, string prompt, bool password)
    {
        lock (_stdinGate)
        {
            var request = new JupyterMessage
            {
                Identities = parent.Identities,
                Header = JupyterMessage.NewHeader("input_request", _session),
                ParentHeader = parent.Header,
                Content = new JsonObject { ["prompt"] = prompt, ["password"] = password },
            };
            _stdin.Send(request.ToFrames(_signer));
            while (true)
            {
                CellCancellation.Token.ThrowIfCancellationRequested();
                if (_stop)
                {
                    throw new OperationCanceledException("The kernel is shutting down.");
                }
                if (!_stdin.Poll(PollMilliseconds) || _stdin.Receive() is not { } frames)
                {
                    continue;
                }
                var reply = Parse(frames, "stdin");
                if (reply?.MessageType == "input_reply")
                {
                    return reply.Content["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
                }
            }
        }
    }

    private static string Text(JsonObject content, string name) =>
        content[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    private static bool Flag(JsonObject content, string name, bool fallback) => content[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        _ => fallback,
    };

    private static int Number(JsonObject content, string name, int fallback) =>
        content[name] is JsonValue v && v.TryGetValue<int>(out var n) ? n : fallback;

    /// <summary>Publishes a cell's outputs on IOPub as they happen.</summary>
    private sealed class KernelListener(KernelServer kernel, JupyterMessage request, bool silent, bool allowStdin) : IExecutionListener
    {
        public void OnStream(string name, string text)
        {
            if (!silent)
            {
                kernel.Publish("stream", new JsonObject { ["name"] = name, ["text"] = text }, request);
            }
        }

        public void OnDisplay(MimeBundle bundle, string displayId) => PublishDisplay("display_data", bundle, displayId);

        public void OnUpdateDisplay(MimeBundle bundle, string displayId) => PublishDisplay("update_display_data", bundle, displayId);

        public void OnClearOutput(bool wait)
        {
            if (!silent)
            {
                kernel.Publish("clear_output", new JsonObject { ["wait"] = wait }, request);
            }
        }

        public string? OnInputRequest(string prompt, bool password)
        {
            if (!allowStdin)
            {
                throw new InvalidOperationException("this front end does not accept input (allow_stdin is false), so Console.ReadLine() cannot be answered.");
            }
            return kernel.RequestInput(request, prompt, password);
        }

        private void PublishDisplay(string messageType, MimeBundle bundle, string displayId)
        {
            if (silent)
            {
                return;
            }
            kernel.Publish(messageType, new JsonObject
            {
                ["data"] = NotebookOutputs.Data(bundle),
                ["metadata"] = new JsonObject(),
                ["transient"] = new JsonObject { ["display_id"] = displayId },
            }, request);
        }
    }
}

/// <summary>Converts between Jupyter's cursor positions (Unicode code points) and .NET string indices (UTF-16).</summary>
internal static class CodePoints
{
    public static int ToUtf16Index(string text, int codePoints)
    {
        var index = 0;
        for (var count = 0; count < codePoints && index < text.Length; count++)
        {
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]) ? 2 : 1;
        }
        return index;
    }

    public static int FromUtf16Index(string text, int index)
    {
        var count = 0;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (!(char.IsLowSurrogate(text[i]) && i > 0 && char.IsHighSurrogate(text[i - 1])))
            {
                count++;
            }
        }
        return count;
    }
}
