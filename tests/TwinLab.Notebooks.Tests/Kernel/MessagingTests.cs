using System.Text;
using System.Text.Json.Nodes;
using TwinLab.Interactive;
using TwinLab.Notebooks.Kernel;

namespace TwinLab.Notebooks.Tests.Kernel;

public sealed class MessagingTests
{
    [Fact]
    public void Signatures_are_lowercase_hex_hmac_sha256_of_the_four_frames()
    {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?" split across frames.
        var signer = new MessageSigner("Jefe");
        var frames = new[] { "what do ya", " want ", "for nothing", "?" }.Select(Encoding.ASCII.GetBytes).ToArray();
        Assert.Equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", signer.Sign(frames));
        Assert.True(signer.Verify("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", frames));
        Assert.False(signer.Verify("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3844", frames));
        Assert.False(signer.Verify("", frames));
    }

    [Fact]
    public void Without_a_key_nothing_is_signed()
    {
        var signer = new MessageSigner("");
        Assert.False(signer.Enabled);
        Assert.Equal("", signer.Sign([[1], [2], [3], [4]]));
        Assert.True(signer.Verify("anything", [[1], [2], [3], [4]]));
    }

    [Fact]
    public void Messages_round_trip_through_frames_and_tampering_is_detected()
    {
        var signer = new MessageSigner("secret");
        var message = new JupyterMessage
        {
            Identities = [Encoding.ASCII.GetBytes("client-1")],
            Header = JupyterMessage.NewHeader("execute_request", "session-1"),
            Content = new JsonObject { ["code"] = "1 + 1" },
            Buffers = [[9, 9]],
        };
        var frames = message.ToFrames(signer);
        Assert.Equal("<IDS|MSG>", Encoding.ASCII.GetString(frames[1]));
        Assert.Matches("^[0-9a-f]{64}$", Encoding.ASCII.GetString(frames[2]));

        var read = JupyterMessage.FromFrames(frames, signer, out var problem);
        Assert.Null(problem);
        Assert.Equal("execute_request", read!.MessageType);
        Assert.Equal("1 + 1", read.Content["code"]!.GetValue<string>());
        Assert.Equal("client-1", Encoding.ASCII.GetString(read.Identities[0]));
        Assert.Equal([9, 9], read.Buffers[0]);
        Assert.Equal("5.3", read.Header["version"]!.GetValue<string>());

        frames[6] = Encoding.UTF8.GetBytes("{\"code\":\"System.IO.File.Delete(\\\"x\\\")\"}");
        Assert.Null(JupyterMessage.FromFrames(frames, signer, out problem));
        Assert.Equal("invalid signature", problem);
        Assert.Null(JupyterMessage.FromFrames(frames, new MessageSigner("other"), out _));
        Assert.Null(JupyterMessage.FromFrames([[1, 2, 3]], signer, out problem));
        Assert.StartsWith("malformed", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_files_are_read_and_checked()
    {
        var info = ConnectionInfo.Parse("""{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256"}""");
        Assert.Equal("tcp://127.0.0.1:1", info.Endpoint(info.ShellPort));
        Assert.Equal("tcp://[::1]:5", (info with { Ip = "::1" }).Endpoint(5));
        Assert.Equal("ipc://kernel-3", (info with { Transport = "ipc", Ip = "kernel" }).Endpoint(3));
        Assert.Contains("'hb_port' must be a port number", Assert.Throws<FormatException>(() => ConnectionInfo.Parse("""{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "key": ""}""")).Message, StringComparison.Ordinal);
        Assert.Contains("signature scheme 'hmac-md5'", Assert.Throws<FormatException>(() => ConnectionInfo.Parse("""{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "key": "k", "signature_scheme": "hmac-md5"}""")).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ConnectionInfo.Parse("not json"));
    }

    [Fact]
    public void Cursor_positions_convert_between_code_points_and_utf16()
    {
        var text = "var 🧬 = 1; x.";
        Assert.Equal(6, CodePoints.ToUtf16Index(text, 5));
        Assert.Equal(5, CodePoints.FromUtf16Index(text, 6));
        Assert.Equal(text.Length, CodePoints.ToUtf16Index(text, CodePoints.FromUtf16Index(text, text.Length)));
    }

    [Fact]
    public void The_kernelspec_launches_twinlab_dll_with_message_interrupts()
    {
        var folder = Directory.CreateTempSubdirectory("twinlab-spec-").FullName;
        try
        {
            var bundle = Path.Combine(folder, "bundle.js");
            File.WriteAllText(bundle, "/**\n* plotly.js v9.8.7\n*/\nvar Plotly = {};\n");
            var plotly = PlotlyScript.FromFile(bundle);
            Assert.Equal("9.8.7", plotly.Version);
            var spec = KernelSpec.Install(folder, "/usr/bin/dotnet", "/opt/twinlab/twinlab.dll", plotly);
            Assert.Equal(File.ReadAllText(bundle), File.ReadAllText(Path.Combine(spec, "plotly.min.js")));
            Assert.False(File.Exists(Path.Combine(spec, "plotly.min.js.partial")));
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(spec, "kernel.json")))!;
            Assert.Equal(["/usr/bin/dotnet", "/opt/twinlab/twinlab.dll", "kernel", "start", "{connection_file}"], json["argv"]!.AsArray().Select(a => a!.GetValue<string>()));
            Assert.Equal("message", json["interrupt_mode"]!.GetValue<string>());
            Assert.Equal("TwinLab (C#)", json["display_name"]!.GetValue<string>());
            Assert.Equal(Path.Combine(folder, "twinlab"), spec);
            Assert.Equal([137, 80, 78, 71], File.ReadAllBytes(Path.Combine(spec, "logo-32x32.png")).Take(4));
            Assert.Equal(Path.Combine("/p", "share", "jupyter", "kernels"), KernelSpec.KernelsDirectory(KernelSpecScope.Prefix, "/p"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
