using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Digit.Bench.Support;
using Digit.Testing;
using Digit.Training.Data;

namespace Digit.Bench.Commands;

/// <summary>
/// `retrain`: against the real local server, a full retrain through HTTP (202 to `completed`, followed on the
/// progress stream) with prediction clients running alongside, for each recipe in turn (the default first, then
/// the classic one selected with TRAINING_RECIPE), each on a fresh server; then 10 stops at random moments on
/// the default recipe.
/// </summary>
internal static class RetrainCommand
{
    // The bound for a full run, and the default recipe in at most a quarter of the classic one's time.
    private const double TargetRunSeconds = 40;
    private const double TargetSpeedUp = 4;
    private const double TargetAccuracy = 0.99;
    private const double TargetMedianStopSeconds = 1;
    private const double TargetPredictionP99Milliseconds = 50;

    public static Command Create()
    {
        var mnist = CommonOptions.Mnist();
        var model = CommonOptions.Model();
        var seed = CommonOptions.Seed();
        var samples = new Option<int>("--samples") { Description = "Training images (0 = all 60,000)", DefaultValueFactory = _ => 0 };
        var stops = new Option<int>("--stops") { Description = "Runs stopped at a random moment", DefaultValueFactory = _ => 10 };
        var clients = new Option<int>("--clients") { Description = "Prediction clients running during training", DefaultValueFactory = _ => 4 };
        var pause = new Option<int>("--pause-ms") { Description = "Each prediction client's pause between requests", DefaultValueFactory = _ => 10 };
        var redis = new Option<string?>("--redis") { Description = "REDIS_URL for the server (default: $REDIS_URL, else in-memory state)" };
        var recipes = new Option<string[]>("--recipe")
        {
            Description = "TRAINING_RECIPE of each measured run, in order, each on a fresh server; 'default' leaves it unset (repeatable; default: default, classic, default, classic, default)",
            DefaultValueFactory = _ => ["default", "classic", "default", "classic", "default"],
            AllowMultipleArgumentsPerToken = true,
        };
        var epochs = new Option<int?>("--epochs") { Description = "TRAINING_EPOCHS for every run (default: unset, each recipe's own)" };
        var command = new Command("retrain", "Full retrain through HTTP per recipe: duration, accuracy, stop latency, prediction latency meanwhile")
        {
            mnist, model, seed, samples, stops, clients, pause, redis, recipes, epochs,
        };
        command.SetAction((result, cancellationToken) => RunAsync(
            new Settings(MnistFolder.Resolve(result.GetValue(mnist)), BenchPaths.Model(result.GetValue(model)), result.GetValue(seed),
                result.GetValue(samples), result.GetValue(stops), result.GetValue(clients), result.GetValue(pause),
                result.GetValue(redis) ?? Environment.GetEnvironmentVariable("REDIS_URL"), result.GetValue(recipes)!, result.GetValue(epochs)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var measured = new List<(string Recipe, double Seconds)>();
        for (var i = 0; i < settings.Recipes.Length; i++)
        {
            var recipe = settings.Recipes[i];
            var seconds = await RunRecipeAsync(settings, recipe == "default" ? null : recipe, stops: i == 0 ? settings.Stops : 0, cancellationToken);
            measured.Add((recipe, seconds));
        }
        var byRecipe = measured.GroupBy(run => run.Recipe).Select(group => (Recipe: group.Key, Seconds: group.Select(run => run.Seconds).ToArray())).ToArray();
        if (byRecipe.Length >= 2)
        {
            var table = new FigureTable("retrain: 202 → completed, recipes compared in this run (median of each recipe's runs)");
            var (firstRecipe, firstSeconds) = byRecipe[0];
            table.Add($"{firstRecipe} (s) [{string.Join(", ", firstSeconds.Select(s => $"{s:F1}"))}]", $"{Latencies.Median(firstSeconds):F1}");
            foreach (var (recipe, seconds) in byRecipe.Skip(1))
            {
                table.Add($"{recipe} (s) [{string.Join(", ", seconds.Select(s => $"{s:F1}"))}]", $"{Latencies.Median(seconds):F1}");
                var ratio = Latencies.Median(seconds) / Latencies.Median(firstSeconds);
                table.Add($"{recipe} / {firstRecipe} (times as long)", $"{ratio:F2}", $"≥ {TargetSpeedUp}", ratio >= TargetSpeedUp);
            }
            table.Write();
        }
        return 0;
    }

    /// <summary>One server with <paramref name="recipe"/> (null: the default): a full run, then <paramref name="stops"/> stopped runs. Returns the run's seconds.</summary>
    private static async Task<double> RunRecipeAsync(Settings settings, string? recipe, int stops, CancellationToken cancellationToken)
    {
        var test = MnistFiles.LoadTest(settings.MnistFolder);
        var body = Drawings.RequestBody(Drawings.FrontendDataUrl(test, 0));
        var environment = new Dictionary<string, string?>
        {
            ["MNIST_PATH"] = settings.MnistFolder,
            ["TRAINING_RECIPE"] = recipe,
            ["TRAINING_EPOCHS"] = settings.Epochs?.ToString(),
            ["TRAINING_SAMPLES"] = $"{settings.Samples}",
            ["REDIS_URL"] = settings.Redis,
            ["REDIS_KEY_PREFIX"] = $"digit-bench-{Guid.NewGuid():N}:",
        };
        var name = recipe ?? "default";
        await using var server = await BenchServer.StartAsync(settings.ModelPath, environment);
        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Console.WriteLine($"recipe {name}: server pid {server.ProcessId} at {server.BaseAddress}; state: {(string.IsNullOrEmpty(settings.Redis) ? "in-memory" : "Redis")}; " +
            $"training on {(settings.Samples == 0 ? 60_000 : settings.Samples):N0} images, {(settings.Epochs is { } e ? $"{e} epochs" : "the recipe's epochs")}; " +
            $"{settings.Clients} prediction clients pausing {settings.PauseMs} ms");

        // Libtorch loads in the background after start; let that finish so it is not counted as training.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);

        await using var predictions = new PredictionClients(server.BaseAddress, body, settings.Clients, settings.PauseMs);
        var idleFrom = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var idle = predictions.Between(idleFrom, Stopwatch.GetTimestamp());

        var run = await RunFollower.StartAndFollowAsync(client, cancellationToken);
        var during = predictions.Between(run.AcceptedAt, run.ClosedAt);
        await predictions.StopAsync();
        var accuracy = (await client.GetFromJsonAsync<JsonElement>("/api/model_accuracy/", cancellationToken)).GetProperty("accuracy");

        var stopLatencies = new List<double>();
        var completedFirst = 0;
        var random = new Random(settings.Seed);
        for (var i = 0; i < stops; i++)
        {
            var wait = 0.5 + 7.5 * random.NextDouble();
            var latency = await StopAtAsync(client, TimeSpan.FromSeconds(wait), cancellationToken);
            Console.WriteLine($"stop {i + 1}: after {wait:F2} s → {(latency is { } s ? $"interrupted {s * 1000:F0} ms after the stop" : "the run had already completed")}");
            if (latency is { } seconds)
            {
                stopLatencies.Add(seconds);
            }
            else
            {
                completedFirst++;
            }
        }
        stopLatencies.Sort();

        var table = new FigureTable($"retrain, recipe {name}: a full run through HTTP on the local server");
        var runSeconds = run.Seconds;
        table.Add("202 → close event (s)", $"{runSeconds:F1}", $"≤ {TargetRunSeconds} s", run.Reason == "completed" && runSeconds <= TargetRunSeconds);
        table.Add("  close reason", run.Reason, "completed", run.Reason == "completed");
        table.Add("  progress events / longest gap (s)", $"{run.Events} / {run.LongestGapSeconds:F2}", "gap ≤ 1 s", run.LongestGapSeconds <= 1);
        var served = accuracy.ValueKind == JsonValueKind.Number ? accuracy.GetDouble() : (double?)null;
        table.Add("  served model accuracy after the run", served is { } a ? $"{a:P2}" : "null", $"≥ {TargetAccuracy:P1}", served >= TargetAccuracy);
        table.Add($"predictions while training: p50 (ms) [{during.Latencies.Count:N0} requests]", $"{during.Latencies.P50Milliseconds:F2}");
        table.Add("  p99 (ms)", $"{during.Latencies.P99Milliseconds:F2}", $"≤ {TargetPredictionP99Milliseconds} ms", during.Latencies.P99Milliseconds <= TargetPredictionP99Milliseconds);
        table.Add("  max (ms)", $"{during.Latencies.MaxMicroseconds / 1000:F2}");
        table.Add("  errors", $"{during.Errors}", "0", during.Errors == 0);
        table.Add($"predictions idle, before the run: p50 / p99 (ms) [{idle.Latencies.Count:N0}]", $"{idle.Latencies.P50Milliseconds:F2} / {idle.Latencies.P99Milliseconds:F2}");
        if (stopLatencies.Count > 0)
        {
            var median = stopLatencies[stopLatencies.Count / 2];
            table.Add($"stop → interrupted: median (ms) [{stopLatencies.Count} stops]", $"{median * 1000:F0}", $"≤ {TargetMedianStopSeconds * 1000:F0} ms", median <= TargetMedianStopSeconds);
            table.Add("  max (ms)", $"{stopLatencies[^1] * 1000:F0}", "≤ 2000 ms", stopLatencies[^1] <= 2);
        }
        if (completedFirst > 0)
        {
            table.Add("runs that completed before their stop", $"{completedFirst}");
        }
        table.Write();
        return runSeconds;
    }

    /// <summary>Starts a run, stops it after <paramref name="wait"/>; seconds until the status is interrupted, or null when it completed first.</summary>
    private static async Task<double?> StopAtAsync(HttpClient client, TimeSpan wait, CancellationToken cancellationToken)
    {
        // The previous run may still be releasing its slot for a moment after its final status: retry a 409 briefly.
        var startedAt = Stopwatch.GetTimestamp();
        while (true)
        {
            using var started = await client.PostAsync("/api/retrain_model/", null, cancellationToken);
            if (started.StatusCode == HttpStatusCode.Accepted)
            {
                break;
            }
            if (started.StatusCode != HttpStatusCode.Conflict || Stopwatch.GetElapsedTime(startedAt) > TimeSpan.FromSeconds(15))
            {
                throw new InvalidOperationException($"POST /api/retrain_model/ answered {(int)started.StatusCode}");
            }
            await Task.Delay(50, cancellationToken);
        }
        await Task.Delay(wait, cancellationToken);
        var stoppedAt = Stopwatch.GetTimestamp();
        using (var stop = await client.PostAsync("/api/stop_training/", null, cancellationToken))
        {
            var message = (await stop.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("message").GetString();
            if (message == "Training not in progress.")
            {
                return null;
            }
        }
        while (Stopwatch.GetElapsedTime(stoppedAt) < TimeSpan.FromSeconds(30))
        {
            var status = (await client.GetFromJsonAsync<JsonElement>("/api/check_model_status/", cancellationToken)).GetProperty("model_status").GetString();
            if (status == "interrupted")
            {
                return Stopwatch.GetElapsedTime(stoppedAt).TotalSeconds;
            }
            if (status is "completed" or "error")
            {
                return status == "completed" ? null : throw new InvalidOperationException("A stopped run ended in error.");
            }
            await Task.Delay(10, cancellationToken);
        }
        throw new TimeoutException("A stopped run was not interrupted within 30 s.");
    }

    private sealed record Settings(
        string MnistFolder, string ModelPath, int Seed, int Samples, int Stops, int Clients, int PauseMs, string? Redis, string[] Recipes, int? Epochs);
}
