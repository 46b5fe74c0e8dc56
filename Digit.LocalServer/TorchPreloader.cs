using Digit.Training.Training;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Digit.LocalServer;

/// <summary>
/// The local server loads libtorch in the background right after start, so the first training run does
/// not stall the progress stream and predictions while a gigabyte of native code is mapped.
/// </summary>
internal sealed class TorchPreloader(ILogger<TorchPreloader> logger) : BackgroundService
{
    // Its own thread, not a pool thread: the load blocks for seconds, and the pool serves every request.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Factory.StartNew(
        () =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            TorchRuntime.Load();
            logger.LogInformation("libtorch loaded in {Milliseconds} ms", clock.ElapsedMilliseconds);
        },
        stoppingToken,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);
}
