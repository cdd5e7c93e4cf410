"""Drives TwinLab's kernel with jupyter_client, as front ends do, and prints what happened as JSON.

Usage: /usr/bin/python3 drive_kernel.py   (JUPYTER_PATH must contain the folder with kernels/twinlab)

Every step records its observations under its own key; a step that raises records {"exception": ...} and the script
goes on, so that the C# tests can report each problem separately.
"""
import hashlib
import hmac
import json
import os
import queue
import signal
import sys
import time
import traceback
import uuid
from datetime import datetime, timezone

import zmq
from jupyter_client.manager import KernelManager

# A shell starts background jobs with SIGINT ignored, and an ignored signal stays ignored across exec, so a kernel
# started from such a driver could never be interrupted by SIGINT. Jupyter starts kernels with the default
# disposition: give this driver a handler (handlers, unlike "ignore", are reset to the default in the kernel).
signal.signal(signal.SIGINT, signal.default_int_handler)

results = {}


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def step(name):
    def wrap(function):
        started = time.time()
        try:
            results[name] = function()
        except Exception:  # noqa: BLE001 - every failure is reported to the C# side
            results[name] = {"exception": traceback.format_exc()}
        log(f"{name}: {time.time() - started:.2f} s")
        return function
    return wrap


def collect(kc, code, timeout=60, **kwargs):
    """Executes code; returns the reply content and the IOPub messages (type and content) for it."""
    messages = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: messages.append(
        {"msg_type": m["msg_type"], "content": m["content"]}), **kwargs)
    return reply["content"], messages


def execute_until_running(kc, loop, timeout=60):
    """Starts a cell that prints a marker and then runs `loop`; returns its msg_id once the marker has arrived, so that
    an interrupt sent next finds the cell running (not still being compiled), however loaded the machine is."""
    msg_id = kc.execute('Console.WriteLine("cell running"); ' + loop)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.05, deadline - time.time()))
        except queue.Empty:
            break
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream"
                and "cell running" in msg["content"].get("text", "")):
            return msg_id
    raise TimeoutError(f"the cell did not start within {timeout} s")


def drain_iopub(kc, seconds=0.2):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            kc.get_iopub_msg(timeout=0.05)
        except queue.Empty:
            pass


km = KernelManager(kernel_name="twinlab")
started = time.time()
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
results["startup_seconds"] = time.time() - started
results["kernel_pid"] = km.provisioner.pid
drain_iopub(kc)


@step("kernel_info")
def _():
    shell = kc.kernel_info(reply=True, timeout=20)
    statuses = []
    while True:
        try:
            message = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            break
        if message["parent_header"].get("msg_id") == shell["parent_header"]["msg_id"] and message["msg_type"] == "status":
            statuses.append(message["content"]["execution_state"])
    # kernel_info on the control channel (protocol 5.1+)
    request = kc.session.msg("kernel_info_request", {})
    kc.control_channel.send(request)
    control = kc.get_control_msg(timeout=20)
    return {
        "shell": shell["content"],
        "shell_statuses": statuses,
        "control_type": control["msg_type"],
        "control": control["content"],
        "signature_lowercase_hex": shell["header"] is not None,
    }


@step("listening")
def _():
    """The kernel's sockets listen only on the connection file's address."""
    ports = {km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port}
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as handle:
            next(handle)
            for line in handle:
                fields = line.split()
                address, port = fields[1].split(":")
                if fields[3] == "0A" and int(port, 16) in ports:
                    listening.append({"port": int(port, 16), "address": address, "table": table})
    return {"ip": km.ip, "ports": sorted(ports), "listening": listening}


@step("execute_rich")
def _():
    code = "\n".join([
        "var handle = display(new Html(\"<b>first</b>\"));",
        "handle.Update(new Html(\"<b>second</b>\"));",
        "Console.WriteLine(\"to stdout\");",
        "Console.Error.WriteLine(\"to stderr\");",
        "display(new[] { 1, 2, 3 });",
        "ModelLibrary.Get(\"gompertz\")",
    ])
    reply, messages = collect(kc, code)
    return {"reply": reply, "messages": messages}


@step("clear_output")
def _():
    reply, messages = collect(kc, "Console.WriteLine(\"old\");\nDisplay.Clear(wait: true);\nConsole.WriteLine(\"new\");")
    return {"reply": reply, "messages": messages}


@step("error")
def _():
    reply, messages = collect(kc, "var ok = 1;\nint Zero() => 0;\nvar boom = ok / Zero();")
    compile_reply, compile_messages = collect(kc, "var z = undefinedName + 1;")
    after, _ = collect(kc, "ok + 1")
    return {"reply": reply, "messages": messages, "compile_reply": compile_reply, "compile_messages": compile_messages, "after": after}


@step("stop_on_error")
def _():
    failing = kc.execute("throw new Exception(\"first fails\");")
    queued = kc.execute("System.IO.File.WriteAllText(\"/tmp/twinlab-should-not-exist\", \"ran\");")
    replies = {}
    while len(replies) < 2:
        message = kc.get_shell_msg(timeout=60)
        replies[message["parent_header"]["msg_id"]] = message["content"]
    return {"failing": replies[failing], "queued": replies[queued]}


@step("complete")
def _():
    collect(kc, "var patientCount = 12;\nvar label = \"twin\";")
    names = kc.complete("patie", 5, reply=True, timeout=30)["content"]
    members = kc.complete("label.ToUpp", 11, reply=True, timeout=30)["content"]
    twinlab = kc.complete("ModelLibrary.", 13, reply=True, timeout=30)["content"]
    return {"names": names, "members": members, "twinlab": twinlab}


@step("inspect")
def _():
    found = kc.inspect("Math.Sqrt(2)", 7, reply=True, timeout=30)["content"]
    twinlab = kc.inspect("ModelLibrary.Get(\"gompertz\")", 14, reply=True, timeout=30)["content"]
    nothing = kc.inspect("   ", 1, reply=True, timeout=30)["content"]
    return {"found": found, "twinlab": twinlab, "nothing": nothing}


def shell_reply(msg_id, timeout=30):
    while True:
        message = kc.get_shell_msg(timeout=timeout)
        if message["parent_header"].get("msg_id") == msg_id:
            return message["content"]


@step("is_complete")
def _():
    return {
        "complete": shell_reply(kc.is_complete("var x = 1;")),
        "incomplete": shell_reply(kc.is_complete("if (true) {")),
        "invalid": shell_reply(kc.is_complete("var x = ;")),
    }


@step("comm_info_history")
def _():
    comm = kc.comm_info(reply=True, timeout=30)["content"]
    history = kc.history(reply=True, timeout=30)["content"]
    return {"comm_info": comm, "history": history}


@step("input")
def _():
    def answer(message):
        kc.input("Ada")
    prompts = []
    reply, messages = collect(kc, "Console.Write(\"Name? \");\nvar name = Console.ReadLine();\n$\"Hello {name}\"",
                              allow_stdin=True, stdin_hook=lambda m: (prompts.append(m["content"]), answer(m)))
    return {"reply": reply, "messages": messages, "prompts": prompts}


@step("interrupt")
def _():
    msg_id = execute_until_running(kc, "for (var i = 0; i < 1_000_000; i++) { Thread.Sleep(10); }")
    time.sleep(0.5)
    sent = time.time()
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=30)
    latency = time.time() - sent
    drain_iopub(kc)
    after, _ = collect(kc, "6 * 7")
    return {"reply": reply["content"], "parent_matches": reply["parent_header"]["msg_id"] == msg_id,
            "latency_seconds": latency, "after": after, "alive": km.is_alive()}


@step("sigint")
def _():
    msg_id = execute_until_running(kc, "while (true) { Thread.Sleep(5); }")
    time.sleep(0.5)
    os.kill(km.provisioner.pid, signal.SIGINT)
    reply = kc.get_shell_msg(timeout=30)
    drain_iopub(kc)
    after, _ = collect(kc, "\"still here\"")
    return {"reply": reply["content"], "parent_matches": reply["parent_header"]["msg_id"] == msg_id,
            "alive": km.is_alive(), "after": after}


@step("bad_signature")
def _():
    """A message with a wrong signature gets no reply and is never executed."""
    marker = f"/tmp/twinlab-bad-signature-{uuid.uuid4().hex}"
    context = zmq.Context.instance()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(f"tcp://{km.ip}:{km.shell_port}")
    header = json.dumps({"msg_id": uuid.uuid4().hex, "session": uuid.uuid4().hex, "username": "intruder",
                         "date": datetime.now(timezone.utc).isoformat(), "msg_type": "execute_request", "version": "5.3"}).encode()
    content = json.dumps({"code": f"System.IO.File.WriteAllText(\"{marker}\", \"executed\");", "silent": False,
                          "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}).encode()
    parts = [header, b"{}", b"{}", content]
    wrong = hmac.new(b"not the key", b"".join(parts), hashlib.sha256).hexdigest().encode()
    socket.send_multipart([b"<IDS|MSG>", wrong] + parts)
    replied = socket.poll(2000)
    # The same message correctly signed is executed: the test is not vacuous.
    key = kc.session.key
    right = hmac.new(key, b"".join(parts), hashlib.sha256).hexdigest().encode()
    control_marker = marker + "-signed"
    content2 = content.replace(marker.encode(), control_marker.encode())
    header2 = header.replace(b"intruder", b"friend")
    parts2 = [header2, b"{}", b"{}", content2]
    right = hmac.new(key, b"".join(parts2), hashlib.sha256).hexdigest().encode()
    socket.send_multipart([b"<IDS|MSG>", right] + parts2)
    signed_replied = socket.poll(30000)
    signed_reply = json.loads(socket.recv_multipart()[-1]) if signed_replied else None
    socket.close()
    executed = os.path.exists(marker)
    signed_executed = os.path.exists(control_marker)
    for path in (marker, control_marker):
        if os.path.exists(path):
            os.remove(path)
    info = kc.kernel_info(reply=True, timeout=20)["content"]["status"]
    drain_iopub(kc)
    return {"replied": bool(replied), "executed": executed, "signed_reply": signed_reply,
            "signed_executed": signed_executed, "kernel_info_after": info}


@step("restart")
def _():
    collect(kc, "var beforeRestart = 1;")
    old_pid = km.provisioner.pid
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    drain_iopub(kc)
    gone, _ = collect(kc, "beforeRestart")
    fresh, _ = collect(kc, "1 + 1")
    return {"old_pid": old_pid, "new_pid": km.provisioner.pid, "gone": gone, "fresh": fresh}


@step("shutdown")
def _():
    process = km.provisioner.process
    km.shutdown_kernel(now=False)
    return {"alive": km.is_alive(), "returncode": process.returncode if process is not None else None}


kc.stop_channels()
json.dump(results, sys.stdout)
sys.stdout.flush()
# Skip the interpreter's teardown, in which jupyter_client's finalisers log noise to stderr.
os._exit(0)
