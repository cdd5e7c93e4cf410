using System.Reflection;
using System.Runtime.InteropServices;

namespace TwinLab.Notebooks.Kernel;

/// <summary>
/// The parts of ZeroMQ's C API (libzmq 4.x) the kernel uses, bound with P/Invoke to the system library (Debian's
/// <c>libzmq5</c>, whose file is <c>libzmq.so.5</c>; there is no <c>libzmq.so</c> without the -dev package).
/// </summary>
internal static unsafe partial class ZmqNative
{
    private const string Library = "libzmq";

    public const int Pub = 1;
    public const int Rep = 4;
    public const int Router = 6;
    public const int Dealer = 5;
    public const int Sub = 2;

    public const int OptionLinger = 17;
    public const int OptionRcvMore = 13;
    public const int OptionSubscribe = 6;
    public const int OptionRouterHandover = 56;
    public const int OptionSndHwm = 23;
    public const int OptionIdentity = 5;

    public const int DontWait = 1;
    public const int SendMore = 2;
    public const short PollIn = 1;

    public const int ErrorAgain = 11;
    public const int ErrorInterrupted = 4;
    public const int ErrorTerminated = 156384712 + 53;

    static ZmqNative() => NativeLibrary.SetDllImportResolver(typeof(ZmqNative).Assembly, Resolve);

    /// <summary>A zmq_msg_t: 64 bytes, opaque.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 64)]
    public struct Message
    {
        private readonly long _first;
    }

    /// <summary>A zmq_pollitem_t as laid out on Linux and macOS (where the file descriptor is an int).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollItem
    {
        public nint Socket;
        public int FileDescriptor;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport(Library, EntryPoint = "zmq_ctx_new")]
    public static partial nint ContextNew();

    [LibraryImport(Library, EntryPoint = "zmq_ctx_term")]
    public static partial int ContextTerminate(nint context);

    [LibraryImport(Library, EntryPoint = "zmq_socket")]
    public static partial nint Socket(nint context, int type);

    [LibraryImport(Library, EntryPoint = "zmq_close")]
    public static partial int Close(nint socket);

    [LibraryImport(Library, EntryPoint = "zmq_bind", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Bind(nint socket, string endpoint);

    [LibraryImport(Library, EntryPoint = "zmq_connect", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Connect(nint socket, string endpoint);

    [LibraryImport(Library, EntryPoint = "zmq_setsockopt")]
    public static partial int SetSocketOption(nint socket, int option, void* value, nuint length);

    [LibraryImport(Library, EntryPoint = "zmq_getsockopt")]
    public static partial int GetSocketOption(nint socket, int option, void* value, nuint* length);

    [LibraryImport(Library, EntryPoint = "zmq_msg_init")]
    public static partial int MessageInit(Message* message);

    [LibraryImport(Library, EntryPoint = "zmq_msg_recv")]
    public static partial int MessageReceive(Message* message, nint socket, int flags);

    [LibraryImport(Library, EntryPoint = "zmq_msg_close")]
    public static partial int MessageClose(Message* message);

    [LibraryImport(Library, EntryPoint = "zmq_msg_data")]
    public static partial void* MessageData(Message* message);

    [LibraryImport(Library, EntryPoint = "zmq_msg_size")]
    public static partial nuint MessageSize(Message* message);

    [LibraryImport(Library, EntryPoint = "zmq_msg_more")]
    public static partial int MessageMore(Message* message);

    [LibraryImport(Library, EntryPoint = "zmq_send")]
    public static partial int Send(nint socket, void* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "zmq_poll")]
    public static partial int Poll(PollItem* items, int count, long timeout);

    [LibraryImport(Library, EntryPoint = "zmq_errno")]
    public static partial int Errno();

    [LibraryImport(Library, EntryPoint = "zmq_strerror")]
    public static partial nint StrError(int error);

    [LibraryImport(Library, EntryPoint = "zmq_version")]
    public static partial void Version(int* major, int* minor, int* patch);

    /// <summary>The message of the last error.</summary>
    public static string LastError()
    {
        var error = Errno();
        return $"{Marshal.PtrToStringUTF8(StrError(error))} (errno {error})";
    }

    /// <summary>The library's version, e.g. <c>4.3.4</c>.</summary>
    public static string VersionText()
    {
        int major, minor, patch;
        Version(&major, &minor, &patch);
        return $"{major}.{minor}.{patch}";
    }

    /// <summary>Finds libzmq under the names distributions give it (the versioned name first, as Debian's runtime
    /// package has no unversioned link).</summary>
    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return 0;
        }
        foreach (var candidate in new[] { "libzmq.so.5", "libzmq.so", "libzmq.5.dylib", "libzmq.dylib", "libzmq" })
        {
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out var handle))
            {
                return handle;
            }
        }
        throw new DllNotFoundException("ZeroMQ (libzmq) is not installed. On Debian or Ubuntu: sudo apt-get install libzmq5 (environment/setup.sh does this).");
    }
}
