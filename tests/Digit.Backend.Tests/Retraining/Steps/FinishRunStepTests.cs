using Digit.Backend.Hosting;
using Digit.Backend.Retraining;
using Digit.Backend.Retraining.Steps;
using Digit.Backend.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Digit.Backend.Tests.Retraining.Steps;

/// <summary>
/// The finish step's retries as AddDigitService registers them, on a fake clock: a try every
/// <see cref="FinishRunStep.RetryInterval"/> while the run store is down, for as long as the lease lasts.
/// </summary>
public sealed class FinishRunStepTests : IDisposable
{
    private const string RunId = "run-1";
    private const int LeaseSeconds = 3;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private readonly string _models = Directory.CreateTempSubdirectory("digit-finish-").FullName;
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => Directory.Delete(_models, recursive: true);

    [Fact]
    public async Task RunAsync_StoreDownForThreeTries_RecordsTheEndOnTheFourthAnIntervalApart()
    {
        var (step, store) = await StepAsync(failures: 3);
        var started = _time.GetUtcNow();

        await DriveClockAsync(step.RunAsync(new RunOutcome(RunId, TrainingStatus.Completed, "done", 0.99), CancellationToken.None));

        Assert.Equal(4, store.Tries);
        // The clock runs on while a retry's continuation is scheduled, so a try can come later, never sooner.
        Assert.True(store.LastTry - started >= 3 * FinishRunStep.RetryInterval, $"the fourth try came {store.LastTry - started} after the first");
        Assert.Equal(TrainingStatus.Completed, (await store.Inner.GetRunAsync(RunId, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task RunAsync_StoreDownLongerThanTheLease_GivesUpWithTheStoresError()
    {
        var (step, store) = await StepAsync(failures: int.MaxValue);
        var started = _time.GetUtcNow();

        await Assert.ThrowsAsync<RunStoreUnavailableException>(() =>
            DriveClockAsync(step.RunAsync(new RunOutcome(RunId, TrainingStatus.Completed, "done"), CancellationToken.None)));

        Assert.InRange(store.Tries, 2, LeaseSeconds / FinishRunStep.RetryInterval.TotalSeconds + 1);
        Assert.True(store.LastTry - started >= TimeSpan.FromSeconds(LeaseSeconds), $"the last try came {store.LastTry - started} after the first");
    }

    [Fact]
    public async Task RunAsync_Cancelled_TriesOnceAndStops()
    {
        var (step, store) = await StepAsync(failures: int.MaxValue);
        using var shutdown = new CancellationTokenSource();
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => step.RunAsync(new RunOutcome(RunId, TrainingStatus.Interrupted, "stopped"), shutdown.Token));

        Assert.Equal(1, store.Tries);
    }

    /// <summary>Moves the fake clock on in small steps until <paramref name="work"/> ends; the waits are the retries' own.</summary>
    private async Task DriveClockAsync(Task work)
    {
        for (var steps = 0; !work.IsCompleted && steps < 1000; steps++)
        {
            await Task.Delay(2);
            _time.Advance(Step);
        }
        await work;
    }

    private async Task<(FinishRunStep Step, FlakyStore Store)> StepAsync(int failures)
    {
        var store = new FlakyStore(new InMemoryRunStore(_time, NullLogger<InMemoryRunStore>.Instance), failures, _time);
        await store.Inner.TryBeginAsync(new RetrainInput(RunId, 2, 64, 42), TimeSpan.FromSeconds(LeaseSeconds), CancellationToken.None);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MODEL_DIR"] = _models,
            ["TRAINING_LEASE_SECONDS"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build());
        services.AddSingleton<TimeProvider>(_time);
        services.AddLogging();
        services.AddDigitService();
        services.Replace(ServiceDescriptor.Singleton<IRunStore>(store));
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<FinishRunStep>(), store);
    }

    /// <summary>The in-memory store, whose first <c>failures</c> finishes fail as Redis does while it is down.</summary>
    private sealed class FlakyStore(InMemoryRunStore inner, int failures, TimeProvider time) : IRunStore
    {
        private int _tries;

        public InMemoryRunStore Inner => inner;

        public int Tries => Volatile.Read(ref _tries);

        public DateTimeOffset LastTry { get; private set; }

        public Task<bool> FinishAsync(string runId, RunEnd end, CancellationToken cancellationToken)
        {
            LastTry = time.GetUtcNow();
            return Interlocked.Increment(ref _tries) <= failures
                ? throw new RunStoreUnavailableException("Redis is down.")
                : inner.FinishAsync(runId, end, cancellationToken);
        }

        public Task<bool> TryBeginAsync(RetrainInput run, TimeSpan lease, CancellationToken cancellationToken) => inner.TryBeginAsync(run, lease, cancellationToken);

        public Task<string?> GetActiveRunIdAsync(CancellationToken cancellationToken) => inner.GetActiveRunIdAsync(cancellationToken);

        public Task<TrainingStatus> GetStatusAsync(CancellationToken cancellationToken) => inner.GetStatusAsync(cancellationToken);

        public Task<TrainingProgress?> GetProgressAsync(CancellationToken cancellationToken) => inner.GetProgressAsync(cancellationToken);

        public Task<TrainingRun?> GetLatestRunAsync(CancellationToken cancellationToken) => inner.GetLatestRunAsync(cancellationToken);

        public Task<TrainingRun?> GetRunAsync(string runId, CancellationToken cancellationToken) => inner.GetRunAsync(runId, cancellationToken);

        public Task<RunSignal> HeartbeatAsync(string runId, TrainingProgress? progress, CancellationToken cancellationToken) =>
            inner.HeartbeatAsync(runId, progress, cancellationToken);

        public Task<string?> RequestStopAsync(CancellationToken cancellationToken) => inner.RequestStopAsync(cancellationToken);

        public Task<string?> RecoverAbandonedRunAsync(string message, CancellationToken cancellationToken) =>
            inner.RecoverAbandonedRunAsync(message, cancellationToken);
    }
}
