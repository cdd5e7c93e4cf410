using System.Runtime.InteropServices;

namespace TwinLab.Notebooks.Kernel;

/// <summary>A ZeroMQ context: owns the I/O threads of its sockets.</summary>
internal sealed class ZmqContext : IDisposable
{
    public ZmqContext()
    {
        Handle = ZmqNative.ContextNew();
        if (Handle == 0)
        {
            throw new ZmqException($"zmq_ctx_new failed: {ZmqNative.LastError()}");
        }
    }

    public nint Handle { get; private set; }

    public ZmqSocket Socket(int type) => new(this, type);

    public void Dispose()
    {
        if (Handle != 0)
        {
            _ = ZmqNative.ContextTerminate(Handle); // waits for lingering messages to be sent
            Handle = 0;
        }
    }
}

/// <summary>A ZeroMQ socket. Not thread-safe: use each socket from one thread at a time.</summary>
internal sealed unsafe class ZmqSocket : IDisposable
{
    private nint _handle;

    public ZmqSocket(ZmqContext context, int type)
    {
        _handle = ZmqNative.Socket(context.Handle, type);
        if (_handle == 0)
        {
            throw new ZmqException($"zmq_socket failed: {ZmqNative.LastError()}");
        }
        SetInt(ZmqNative.OptionLinger, 1000);
    }

    public nint Handle => _handle;

    public void SetInt(int option, int value)
    {
        if (ZmqNative.SetSocketOption(_handle, option, &value, sizeof(int)) != 0)
        {
            throw new ZmqException($"zmq_setsockopt({option}) failed: {ZmqNative.LastError()}");
        }
    }

    public void SetBytes(int option, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            if (ZmqNative.SetSocketOption(_handle, option, p, (nuint)value.Length) != 0)
            {
                throw new ZmqException($"zmq_setsockopt({option}) failed: {ZmqNative.LastError()}");
            }
        }
    }

    public void Bind(string endpoint)
    {
        if (ZmqNative.Bind(_handle, endpoint) != 0)
        {
            throw new ZmqException($"cannot bind {endpoint}: {ZmqNative.LastError()}");
        }
    }

    public void Connect(string endpoint)
    {
        if (ZmqNative.Connect(_handle, endpoint) != 0)
        {
            throw new ZmqException($"cannot connect to {endpoint}: {ZmqNative.LastError()}");
        }
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for a message to arrive (−1: forever).</summary>
    public bool Poll(int timeoutMilliseconds)
    {
        var item = new ZmqNative.PollItem { Socket = _handle, Events = ZmqNative.PollIn };
        while (true)
        {
            var result = ZmqNative.Poll(&item, 1, timeoutMilliseconds);
            if (result >= 0)
            {
                return result > 0 && (item.ReturnedEvents & ZmqNative.PollIn) != 0;
            }
            if (ZmqNative.Errno() != ZmqNative.ErrorInterrupted)
            {
                throw new ZmqException($"zmq_poll failed: {ZmqNative.LastError()}");
            }
        }
    }

    /// <summary>Receives all frames of one message (blocking), or null when the context is terminating.</summary>
    public List<byte[]>? Receive(bool dontWait = false)
    {
        var frames = new List<byte[]>();
        ZmqNative.Message message;
        while (true)
        {
            _ = ZmqNative.MessageInit(&message); // cannot fail for an empty message
            try
            {
                int size;
                while ((size = ZmqNative.MessageReceive(&message, _handle, dontWait && frames.Count == 0 ? ZmqNative.DontWait : 0)) < 0)
                {
                    var error = ZmqNative.Errno();
                    if (error == ZmqNative.ErrorInterrupted)
                    {
                        continue;
                    }
                    if (error == ZmqNative.ErrorAgain || error == ZmqNative.ErrorTerminated)
                    {
                        return null;
                    }
                    throw new ZmqException($"zmq_msg_recv failed: {ZmqNative.LastError()}");
                }
                frames.Add(new ReadOnlySpan<byte>(ZmqNative.MessageData(&message), size).ToArray());
                if (ZmqNative.MessageMore(&message) == 0)
                {
                    return frames;
                }
            }
            finally
            {
                _ = ZmqNative.MessageClose(&message);
            }
        }
    }

    /// <summary>Sends the frames as one multipart message.</summary>
    public void Send(IReadOnlyList<byte[]> frames)
    {
        for (var i = 0; i < frames.Count; i++)
        {
            var flags = i < frames.Count - 1 ? ZmqNative.SendMore : 0;
            fixed (byte* p = frames[i])
            {
                while (ZmqNative.Send(_handle, p, (nuint)frames[i].Length, flags) < 0)
                {
                    if (ZmqNative.Errno() != ZmqNative.ErrorInterrupted)
                    {
                        throw new ZmqException($"zmq_send failed: {ZmqNative.LastError()}");
                    }
                }
            }
        }
    }

    public void Dispose()
    {
        if (_handle != 0)
        {
            _ = ZmqNative.Close(_handle); // fails only for an invalid handle
            _handle = 0;
        }
    }
}

/// <summary>A ZeroMQ call failed.</summary>
public sealed class ZmqException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ZmqException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public ZmqException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public ZmqException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
