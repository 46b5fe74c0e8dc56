using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Digit.Bench.Support;
using Digit.Testing;
using Digit.Testing.Hosts;

namespace Digit.Bench.Commands;

/// <summary>
/// `coldstart`: published Functions apps started again and again under the real Functions host (Azurite and
/// redis-server beside it), each start timed up to its first prediction. Several apps in one run are started in
/// turn, so their figures share the machine's load.
/// </summary>
internal static class ColdStartCommand
{
    private static readonly TimeSpan WorkerStartTarget = TimeSpan.FromSeconds(1.0);
    private static readonly TimeSpan FirstPredictionTarget = TimeSpan.FromMilliseconds(50);
    // Generous: on a shared two-core machine under heavy load one start took over two minutes.
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(6);
    private const string Origin = "http://127.0.0.1:3999";

    public static Command Create()
    {
        var apps = new Option<string[]>("--app")
        {
            Description = "A published Functions app as NAME=FOLDER (dotnet publish DigitFunctions -c Release -o FOLDER); repeat it to compare apps",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var starts = new Option<int>("--starts") { Description = "Measured starts of each app (after one unmeasured start)", DefaultValueFactory = _ => 5 };
        var command = new Command("coldstart", "Cold starts of published Functions apps under the real host, up to the first prediction") { apps, starts };
        command.SetAction((result, cancellationToken) =>
        {
            PublishedApp[] published;
            try
            {
                published = result.GetValue(apps)!.Select(PublishedApp.Parse).ToArray();
            }
            catch (ArgumentException exception)
            {
                // A wrong folder or name is the user's to fix: one line, no stack trace.
                Console.Error.WriteLine($"coldstart: {exception.Message}");
                return Task.FromResult(2);
            }
            return RunAsync(published, Math.Max(1, result.GetValue(starts)), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(IReadOnlyList<PublishedApp> apps, int starts, CancellationToken cancellationToken)
    {
        Console.WriteLine($"CPU AVX-512 flags: {CpuFlags.Avx512()}; {Environment.ProcessorCount} cores; load average {LoadAverage()}");
        foreach (var app in apps)
        {
            Console.WriteLine($"{app.Name}: {app.Folder}: {app.SizeBytes / 1e6:F0} MB in {app.FileCount} files " +
                $"(TorchSharp/libtorch {app.TorchBytes / 1e6:F0} MB, MNIST {app.MnistBytes / 1e6:F0} MB)");
        }
        var hostFolder = await FunctionsRuntime.BuildHostAsync();
        Console.WriteLine($"Functions host: {hostFolder}");

        await using var redis = new RedisServerFixture();
        await redis.InitializeAsync();
        await using var azurite = await AzuriteFixture.StartAllServicesAsync();
        var drawing = Drawings.Body(Drawings.FrontendDataUrl(MnistFolder.Test, 0));
        var drawingJson = await drawing.ReadAsStringAsync(cancellationToken);

        var measured = apps.ToDictionary(app => app.Name, _ => new List<ColdStart>());
        var failed = apps.ToDictionary(app => app.Name, _ => 0);
        // Round 0 seeds each app's model container and fills the page cache; it is not counted.
        for (var round = 0; round <= starts; round++)
        {
            foreach (var app in apps)
            {
                try
                {
                    var start = await StartOnceAsync(app, azurite.ConnectionString, redis.Configuration, drawingJson, cancellationToken);
                    Console.WriteLine($"{app.Name} start {round}{(round == 0 ? " (not counted)" : "")}: {start}");
                    if (round > 0)
                    {
                        measured[app.Name].Add(start);
                    }
                }
                catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
                {
                    // A start that never served (the host gave up on its worker) is reported and left out; the run goes on.
                    failed[app.Name]++;
                    Console.WriteLine($"{app.Name} start {round} failed: {exception.Message}");
                }
                // Lets the killed host's sockets and files go before the next start.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        Console.WriteLine($"load average at the end {LoadAverage()}");
        foreach (var app in apps)
        {
            var figures = measured[app.Name];
            if (figures.Count == 0)
            {
                Console.WriteLine($"coldstart {app.Name}: no measured start served ({failed[app.Name]} failed)");
                continue;
            }
            var table = new FigureTable($"coldstart {app.Name}: medians of {figures.Count} starts under the real Functions host (min–max)" +
                (failed[app.Name] > 0 ? $"; {failed[app.Name]} failed" : ""));
            table.Add("package", $"{app.SizeBytes / 1e6:F0} MB, {app.FileCount} files");
            table.Add("(a) host start → first 200 of POST /api/drawing/", Seconds(figures, f => f.HostToPrediction));
            table.Add("    host start → worker process start", Seconds(figures, f => f.HostToWorker));
            var workerToPrediction = Median(figures.Select(f => f.WorkerToPrediction));
            table.Add("(b) worker start → first prediction answered", Seconds(figures, f => f.WorkerToPrediction),
                $"≤ {WorkerStartTarget.TotalSeconds:F1} s", workerToPrediction <= WorkerStartTarget);
            var first = Median(figures.Select(f => f.FirstPrediction));
            table.Add("(c) first prediction's own latency", Milliseconds(figures, f => f.FirstPrediction),
                $"≤ {FirstPredictionTarget.TotalMilliseconds:F0} ms", first <= FirstPredictionTarget);
            table.Add("(d) worker RSS after it", $"{Median(figures.Select(f => f.WorkerResidentBytes)) / 1e6:F0} MB " +
                $"({figures.Min(f => f.WorkerResidentBytes) / 1e6:F0}–{figures.Max(f => f.WorkerResidentBytes) / 1e6:F0})");
            table.Write();
        }

        // Ratios within the run: the machine's load and CPU class change from one run to the next, the ratios less.
        if (apps.Count > 1 && measured[apps[0].Name].Count > 0)
        {
            var reference = measured[apps[0].Name];
            var (referenceWorker, referenceFirst) = (Median(reference.Select(f => f.WorkerToPrediction)), Median(reference.Select(f => f.FirstPrediction)));
            foreach (var app in apps.Skip(1).Where(app => measured[app.Name].Count > 0))
            {
                var figures = measured[app.Name];
                Console.WriteLine($"coldstart {app.Name} against {apps[0].Name}: (b) {Median(figures.Select(f => f.WorkerToPrediction)) / referenceWorker:F2}×, " +
                    $"(c) {Median(figures.Select(f => f.FirstPrediction)) / referenceFirst:F2}×");
            }
        }
        return 0;
    }

    /// <summary>
    /// One start: the host process is started, GET / is polled until the app says it serves a model, then one
    /// prediction is sent; the host and its worker are killed after it.
    /// </summary>
    private static async Task<ColdStart> StartOnceAsync(
        PublishedApp app, string storage, string redis, string drawingJson, CancellationToken cancellationToken)
    {
        var port = ServerProcess.FindFreePort();
        var settings = FunctionsRuntime.AppSettings(storage, redis, Origin);
        settings["MODEL_CONTAINER"] = $"coldstart-{app.Name.ToLowerInvariant()}";
        settings["REDIS_KEY_PREFIX"] = $"coldstart:{app.Name}:";
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        var started = Stopwatch.GetTimestamp();
        using var host = ServerProcess.Start(FunctionsRuntime.RunScript, [app.Folder, port.ToString()], settings);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(StartLimit);
        try
        {
            while (!await ServesAModelAsync(http, limit.Token))
            {
                if (host.HasExited)
                {
                    throw new InvalidOperationException($"The host exited before it served a model.{Environment.NewLine}{host.Failures}");
                }
                await Task.Delay(20, limit.Token);
            }
            var sent = Stopwatch.GetTimestamp();
            using var answer = await http.PostAsync("/api/drawing/", new StringContent(drawingJson, System.Text.Encoding.UTF8, "application/json"), limit.Token);
            var answered = Stopwatch.GetTimestamp();
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"The first prediction answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(limit.Token)}");
            }
            var worker = FunctionsRuntime.FindWorker(port, app.WorkerAssembly) ?? throw new InvalidOperationException("No worker process of the host was found.");
            var hostToWorker = TimeSpan.FromSeconds(FunctionsRuntime.StartedSecondsAfterBoot(worker) - FunctionsRuntime.StartedSecondsAfterBoot(host.Id));
            var hostToPrediction = Stopwatch.GetElapsedTime(started, answered);
            return new ColdStart(hostToPrediction, hostToWorker, hostToPrediction - hostToWorker, Stopwatch.GetElapsedTime(sent, answered),
                ProcessMemory.Resident(worker));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{app.Name} served no prediction within {StartLimit.TotalSeconds:0} s.{Environment.NewLine}{host.Failures}");
        }
    }

    /// <summary>Whether GET / answers 200 with ready: true; false while the host or the worker is not up yet.</summary>
    private static async Task<bool> ServesAModelAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var answer = await http.GetAsync("/", cancellationToken);
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
            using var health = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancellationToken));
            return health.RootElement.TryGetProperty("ready", out var ready) && ready.ValueKind == JsonValueKind.True;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The 1, 5 and 15-minute load averages: on a shared machine they say how far the figures are stretched.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static TimeSpan Median(IEnumerable<TimeSpan> values) => TimeSpan.FromTicks(Median(values.Select(value => value.Ticks)));

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Seconds(IReadOnlyList<ColdStart> figures, Func<ColdStart, TimeSpan> figure) =>
        $"{Median(figures.Select(figure)).TotalSeconds:F2} s ({figures.Min(figure).TotalSeconds:F2}–{figures.Max(figure).TotalSeconds:F2})";

    private static string Milliseconds(IReadOnlyList<ColdStart> figures, Func<ColdStart, TimeSpan> figure) =>
        $"{Median(figures.Select(figure)).TotalMilliseconds:F0} ms ({figures.Min(figure).TotalMilliseconds:F0}–{figures.Max(figure).TotalMilliseconds:F0})";

    /// <summary>The figures of one start; process start times come from /proc, to 10 ms.</summary>
    private sealed record ColdStart(
        TimeSpan HostToPrediction, TimeSpan HostToWorker, TimeSpan WorkerToPrediction, TimeSpan FirstPrediction, long WorkerResidentBytes)
    {
        public override string ToString() =>
            $"(a) {HostToPrediction.TotalSeconds:F2} s, worker after {HostToWorker.TotalSeconds:F2} s, (b) {WorkerToPrediction.TotalSeconds:F2} s, " +
            $"(c) {FirstPrediction.TotalMilliseconds:F0} ms, (d) {WorkerResidentBytes / 1e6:F0} MB";
    }

    /// <summary>A published app to start: its name in the output, its folder, its worker's assembly and what the folder holds.</summary>
    private sealed record PublishedApp(string Name, string Folder, string WorkerAssembly, long SizeBytes, int FileCount, long TorchBytes, long MnistBytes)
    {
        public static PublishedApp Parse(string argument)
        {
            var parts = argument.Split('=', 2);
            // The name also names the app's model container and Redis keys: letters, digits and hyphens.
            if (parts.Length != 2 || parts[0].Length == 0 || !parts[0].All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw new ArgumentException($"--app takes NAME=FOLDER, the name of letters, digits and hyphens; got '{argument}'.");
            }
            var folder = Path.GetFullPath(parts[1]);
            // worker.config.json names the assembly the host starts: DigitFunctions.dll, or the empty app's.
            var workerConfig = Path.Combine(folder, "worker.config.json");
            string? workerAssembly = null;
            if (File.Exists(workerConfig))
            {
                using var config = JsonDocument.Parse(File.ReadAllText(workerConfig));
                workerAssembly = config.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString();
            }
            if (workerAssembly is null || !File.Exists(Path.Combine(folder, workerAssembly)))
            {
                throw new ArgumentException($"{folder} holds no published Functions app (dotnet publish DigitFunctions -c Release -o {folder}).");
            }
            var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(file => new FileInfo(file)).ToArray();
            return new PublishedApp(parts[0], folder, workerAssembly, files.Sum(file => file.Length), files.Length,
                files.Where(file => file.Name.Contains("torch", StringComparison.OrdinalIgnoreCase)).Sum(file => file.Length),
                files.Where(file => file.FullName.Contains("/data/mnist/", StringComparison.Ordinal)).Sum(file => file.Length));
        }
    }
}
