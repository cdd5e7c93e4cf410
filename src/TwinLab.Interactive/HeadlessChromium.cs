using System.Diagnostics;
using System.Globalization;

namespace TwinLab.Interactive;

/// <summary>
/// Runs the Debian <c>chromium</c> browser headless, to take screenshots of local pages. Every run gets a fresh
/// profile folder (deleted afterwards) and no network: a proxy on a closed port and a host resolver that finds
/// nothing, so a page can only use what it carries.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>The environment variable that names the browser executable explicitly.</summary>
    public const string EnvironmentVariable = "TWINLAB_CHROMIUM";

    /// <summary>How long one browser run may take before it is stopped.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The smallest window width and height that headless Chromium screenshots in full (below about 150 pixels
    /// of height it captures only part of the page).</summary>
    public const int MinimumWindowSize = 200;

    private static readonly string[] Candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    /// <summary>The flags of every run: headless, no sandbox (containers have no user namespaces), no GPU, no
    /// background networking, updates, sync or first-run pages, and no network at all.</summary>
    public static IReadOnlyList<string> CommonArguments { get; } =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--hide-scrollbars",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
    ];

    /// <summary>The browser executable: <see cref="EnvironmentVariable"/> if set, otherwise the first of chromium,
    /// chromium-browser, google-chrome on the PATH.</summary>
    /// <returns>The path, or null when no browser is installed.</returns>
    public static string? TryLocate()
    {
        var explicitPath = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in Candidates)
        {
            foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(folder, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    /// <summary>The browser executable, or a failure that says how to install one.</summary>
    /// <returns>The path.</returns>
    /// <exception cref="FileNotFoundException">No browser is installed.</exception>
    public static string Locate() => TryLocate() ?? throw new FileNotFoundException(
        $"Saving PNG images needs a headless Chromium, and none was found ({string.Join(", ", Candidates)} on the PATH, or ${EnvironmentVariable}). " +
        "Install Debian's chromium (bash environment/setup.sh does, or: apt-get install --no-install-recommends chromium), or set " +
        $"{EnvironmentVariable} to a Chromium or Chrome executable.");

    /// <summary>Takes a screenshot of a local page.</summary>
    /// <param name="page">The HTML file.</param>
    /// <param name="png">The PNG file to write.</param>
    /// <param name="width">The window width in CSS pixels (at least <see cref="MinimumWindowSize"/>).</param>
    /// <param name="height">The window height in CSS pixels (at least <see cref="MinimumWindowSize"/>).</param>
    /// <param name="scale">The device scale factor (2 doubles the pixels in each direction).</param>
    /// <returns>What the browser wrote on its standard error (its log, with the page's console messages when
    /// <c>--enable-logging=stderr</c> is among <paramref name="extraArguments"/>).</returns>
    /// <param name="extraArguments">Further flags.</param>
    /// <exception cref="FileNotFoundException">No browser is installed.</exception>
    /// <exception cref="InvalidOperationException">The browser failed, timed out or wrote no image.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The window is smaller than <see cref="MinimumWindowSize"/>.</exception>
    public static string Screenshot(string page, string png, int width, int height, double scale = 1, IEnumerable<string>? extraArguments = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(page);
        ArgumentException.ThrowIfNullOrEmpty(png);
        if (width < MinimumWindowSize || height < MinimumWindowSize)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"A screenshot of {width} × {height} pixels is too small: headless Chromium captures windows of at least {MinimumWindowSize} × {MinimumWindowSize} pixels in full.");
        }
        if (!(scale > 0 && scale <= 8))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale factor must be above 0 and at most 8.");
        }
        var target = Path.GetFullPath(png);
        if (File.Exists(target))
        {
            File.Delete(target);
        }
        var (_, error) = Run(
        [
            $"--screenshot={target}",
            string.Create(CultureInfo.InvariantCulture, $"--window-size={width},{height}"),
            string.Create(CultureInfo.InvariantCulture, $"--force-device-scale-factor={scale:R}"),
            "--virtual-time-budget=10000",
            .. extraArguments ?? [],
            new Uri(Path.GetFullPath(page)).AbsoluteUri,
        ]);
        if (!File.Exists(target) || new FileInfo(target).Length == 0)
        {
            throw new InvalidOperationException($"Chromium wrote no screenshot of '{page}'. Its log ends:\n{Tail(error)}");
        }
        return error;
    }

    /// <summary>Runs the browser with <see cref="CommonArguments"/>, a fresh profile and the given arguments.</summary>
    /// <param name="arguments">The further arguments (flags, then the page's URL).</param>
    /// <returns>The browser's standard output and standard error.</returns>
    /// <exception cref="FileNotFoundException">No browser is installed.</exception>
    /// <exception cref="InvalidOperationException">The browser failed or timed out.</exception>
    public static (string Output, string Error) Run(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var executable = Locate();
        var profile = Directory.CreateTempSubdirectory("twinlab-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in CommonArguments)
            {
                start.ArgumentList.Add(argument);
            }
            start.ArgumentList.Add($"--user-data-dir={profile}");
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{executable}'.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new InvalidOperationException($"Chromium did not finish within {Timeout.TotalSeconds:F0} s and was stopped.");
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Chromium failed (exit code {process.ExitCode}). Its log ends:\n{Tail(error.Result)}");
            }
            return (output.Result, error.Result);
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // A child process may still hold a file for a moment; the folder is in the temporary directory.
            }
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];
}
