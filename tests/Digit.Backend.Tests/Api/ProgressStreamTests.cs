using System.Text;
using System.Text.Json;
using Digit.Backend.Api;
using Digit.Testing;
using Digit.Backend.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Digit.Backend.Tests.Api;

/// <summary>
/// The progress stream's promise, tick by tick on a fake clock, as GET /api/progress/ writes it through
/// TypedResults.ServerSentEvents: one event on every tick while the run is in progress, and the close event on the
/// first tick after it ended, wherever among the stream's reads it ends; each event's data is the contract's JSON.
/// </summary>
public sealed class ProgressStreamTests
{
    private const string RunId = "run-1";
    private static readonly TimeSpan Interval = ProgressStream.Interval;
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task RunEndsAfterAnyRead_EveryTickHasAnEventAndTheStreamCloses(int endAfterRead)
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryRunStore(time, NullLogger<InMemoryRunStore>.Instance);
        await store.TryBeginAsync(new RetrainInput(RunId, 3, 64, 42), TimeSpan.FromMinutes(5), CancellationToken.None);
        await store.HeartbeatAsync(RunId, new TrainingProgress(3, 40, 1, 0.975), CancellationToken.None);
        var reads = new RunEndingStore(store, endAfterRead);
        var body = new EventRecorder();
        var context = NewContext(body);

        var streaming = StreamAsync(reads, time, context);
        var ticks = 0;
        for (; !streaming.IsCompleted && ticks < 20; ticks++)
        {
            await body.WaitForEventsAsync(ticks + 1, streaming, EventTimeout);
            // The close event is written before the stream's task ends: stop at it, not at the task.
            if (streaming.IsCompleted || body.Events() is [.., var last] && last.TryGetProperty("event", out _))
            {
                break;
            }
            time.Advance(Interval);
        }
        await streaming.WaitAsync(EventTimeout);

        var events = body.Events();
        Assert.Equal(ticks + 1, events.Count);
        Assert.All(events.SkipLast(1), e => Assert.Equal(40, e.GetProperty("percentage").GetDouble()));
        Assert.Equal("close", events[^1].GetProperty("event").GetString());
        Assert.Equal("completed", events[^1].GetProperty("reason").GetString());
        Assert.Equal("text/event-stream", context.Response.ContentType);
    }

    [Fact]
    public async Task Framing_EachEventIsDataWithTheContractsJson_TheFirstAlsoSetsAOneSecondRetry()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryRunStore(time, NullLogger<InMemoryRunStore>.Instance);
        await store.TryBeginAsync(new RetrainInput(RunId, 3, 64, 42), TimeSpan.FromMinutes(5), CancellationToken.None);
        await store.HeartbeatAsync(RunId, new TrainingProgress(3, 40, 1, 0.975), CancellationToken.None);
        var body = new EventRecorder();
        var context = NewContext(body);

        var streaming = StreamAsync(store, time, context);
        await body.WaitForEventsAsync(1, streaming, EventTimeout);
        time.Advance(Interval);
        await body.WaitForEventsAsync(2, streaming, EventTimeout);
        await store.FinishAsync(RunId, new RunEnd(TrainingStatus.Completed, "Published model m1.", 0.99), CancellationToken.None);
        time.Advance(Interval);
        await streaming.WaitAsync(EventTimeout);

        var progress = JsonSerializer.Serialize(ProgressResponse.From(new TrainingProgress(3, 40, 1, 0.975)));
        var close = JsonSerializer.Serialize(new CloseEvent("close", "completed") { Message = "Published model m1." });
        Assert.Equal("""{"max_epochs":3,"percentage":40,"epoch":1,"accuracy":"97.50"}""", progress);
        Assert.Equal(
            $"data: {progress}\nretry: 1000\n\ndata: {progress}\n\ndata: {close}\n\n",
            body.Text());
        Assert.Equal("text/event-stream", context.Response.ContentType);
        Assert.Contains("no-cache", context.Response.Headers.CacheControl.ToString());
        Assert.Equal("no", context.Response.Headers["X-Accel-Buffering"]);
    }

    [Fact]
    public async Task NoRun_ClosesAtOnceWithNotStarted()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryRunStore(time, NullLogger<InMemoryRunStore>.Instance);
        var body = new EventRecorder();
        var context = NewContext(body);

        await StreamAsync(store, time, context).WaitAsync(EventTimeout);

        var close = Assert.Single(body.Events());
        Assert.Equal("close", close.GetProperty("event").GetString());
        Assert.Equal("not_started", close.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task StoreUnreachable_EveryTickSendsTheLastKnownProgressMarkedStale_ThenClosesOnTheRealEnd()
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryRunStore(time, NullLogger<InMemoryRunStore>.Instance);
        await store.TryBeginAsync(new RetrainInput(RunId, 3, 64, 42), TimeSpan.FromMinutes(5), CancellationToken.None);
        await store.HeartbeatAsync(RunId, new TrainingProgress(3, 40, 1, 0.975), CancellationToken.None);
        var outage = new OutageStore(store);
        var body = new EventRecorder();
        var context = NewContext(body);

        var streaming = StreamAsync(outage, time, context);
        await body.WaitForEventsAsync(1, streaming, EventTimeout);
        outage.Down = true;
        for (var tick = 2; tick <= 6; tick++)
        {
            time.Advance(Interval);
            await body.WaitForEventsAsync(tick, streaming, EventTimeout);
        }
        outage.Down = false;
        await store.FinishAsync(RunId, new RunEnd(TrainingStatus.Completed, null, 0.99), CancellationToken.None);
        time.Advance(Interval);
        await streaming.WaitAsync(EventTimeout);

        var events = body.Events();
        Assert.Equal(7, events.Count);
        Assert.False(events[0].TryGetProperty("stale", out _));
        Assert.All(events.Skip(1).Take(5), e =>
        {
            Assert.True(e.GetProperty("stale").GetBoolean());
            Assert.Equal(40, e.GetProperty("percentage").GetDouble());
            Assert.Equal("97.50", e.GetProperty("accuracy").GetString());
        });
        Assert.Equal("completed", events[^1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task StoreUnreachableFromTheStart_SendsStaleEventsWithoutProgress()
    {
        var time = new FakeTimeProvider();
        var outage = new OutageStore(new InMemoryRunStore(time, NullLogger<InMemoryRunStore>.Instance)) { Down = true };
        var body = new EventRecorder();
        var context = NewContext(body);
        using var leave = new CancellationTokenSource();
        context.RequestAborted = leave.Token;

        var streaming = StreamAsync(outage, time, context);
        await body.WaitForEventsAsync(1, streaming, EventTimeout);
        time.Advance(Interval);
        await body.WaitForEventsAsync(2, streaming, EventTimeout);
        await leave.CancelAsync();
        await streaming.WaitAsync(EventTimeout);

        Assert.All(body.Events(), e => Assert.True(e.GetProperty("stale").GetBoolean()));
    }

    /// <summary>What GET /api/progress/ does: the handler's result, executed.</summary>
    private static Task StreamAsync(IRunStore store, TimeProvider time, HttpContext context) =>
        TrainingHandlers.GetProgressStream(store, new LastKnownProgress(), time, context).ExecuteAsync(context);

    private static DefaultHttpContext NewContext(Stream body) => new()
    {
        Response = { Body = body },
        RequestServices = new ServiceCollection().AddOptions().AddLogging().BuildServiceProvider(),
    };

    /// <summary>The real in-memory store; a subclass changes what the stream reads, everything else goes through.</summary>
    private abstract class ReadsThrough(InMemoryRunStore store) : IRunStore
    {
        protected InMemoryRunStore Store => store;

        public abstract Task<TrainingRun?> GetLatestRunAsync(CancellationToken cancellationToken);

        public Task<TrainingStatus> GetStatusAsync(CancellationToken cancellationToken) => store.GetStatusAsync(cancellationToken);

        public abstract Task<TrainingProgress?> GetProgressAsync(CancellationToken cancellationToken);

        public Task<bool> TryBeginAsync(RetrainInput run, TimeSpan lease, CancellationToken cancellationToken) => store.TryBeginAsync(run, lease, cancellationToken);

        public Task<string?> GetActiveRunIdAsync(CancellationToken cancellationToken) => store.GetActiveRunIdAsync(cancellationToken);

        public Task<TrainingRun?> GetRunAsync(string runId, CancellationToken cancellationToken) => store.GetRunAsync(runId, cancellationToken);

        public Task<RunSignal> HeartbeatAsync(string runId, TrainingProgress? progress, CancellationToken cancellationToken) =>
            store.HeartbeatAsync(runId, progress, cancellationToken);

        public Task<string?> RequestStopAsync(CancellationToken cancellationToken) => store.RequestStopAsync(cancellationToken);

        public Task<bool> FinishAsync(string runId, RunEnd end, CancellationToken cancellationToken) => store.FinishAsync(runId, end, cancellationToken);

        public Task<string?> RecoverAbandonedRunAsync(string message, CancellationToken cancellationToken) =>
            store.RecoverAbandonedRunAsync(message, cancellationToken);
    }

    /// <summary>The real in-memory store, unreachable while <see cref="Down"/> is set (as Redis is during an outage).</summary>
    private sealed class OutageStore(InMemoryRunStore inner) : ReadsThrough(inner)
    {
        public volatile bool Down;

        private T Up<T>(T value) => Down ? throw new RunStoreUnavailableException("Redis is down.") : value;

        public override async Task<TrainingRun?> GetLatestRunAsync(CancellationToken cancellationToken) => Up(await Store.GetLatestRunAsync(cancellationToken));

        public override async Task<TrainingProgress?> GetProgressAsync(CancellationToken cancellationToken) => Up(await Store.GetProgressAsync(cancellationToken));
    }

    /// <summary>
    /// The real in-memory store, except that the run completes right after the n-th status or progress read:
    /// the moment another instance could finish it while the stream is between its reads.
    /// </summary>
    private sealed class RunEndingStore(InMemoryRunStore inner, int endAfterRead) : ReadsThrough(inner)
    {
        private int _reads;

        public override async Task<TrainingRun?> GetLatestRunAsync(CancellationToken cancellationToken) =>
            await AfterReadAsync(await Store.GetLatestRunAsync(cancellationToken));

        public override async Task<TrainingProgress?> GetProgressAsync(CancellationToken cancellationToken) =>
            await AfterReadAsync(await Store.GetProgressAsync(cancellationToken));

        private async Task<T> AfterReadAsync<T>(T value)
        {
            if (Interlocked.Increment(ref _reads) == endAfterRead)
            {
                Assert.True(await Store.FinishAsync(RunId, new RunEnd(TrainingStatus.Completed, null, 0.99), CancellationToken.None));
            }
            return value;
        }
    }

    /// <summary>A response body that keeps what the stream wrote, readable while it is still being written.</summary>
    private sealed class EventRecorder : Stream
    {
        private readonly Lock _lock = new();
        private readonly List<byte> _bytes = [];

        public string Text()
        {
            lock (_lock)
            {
                return Encoding.UTF8.GetString(_bytes.ToArray());
            }
        }

        /// <summary>The complete events so far.</summary>
        public IReadOnlyList<JsonElement> Events() => ServerSentEvents.DataEvents(Text());

        public async Task WaitForEventsAsync(int count, Task streaming, TimeSpan timeout)
        {
            using var limit = new CancellationTokenSource(timeout);
            while (Events().Count < count && !streaming.IsCompleted)
            {
                Assert.False(limit.IsCancellationRequested, $"no event {count} within {timeout.TotalSeconds} s: {Events().Count} so far");
                await Task.Delay(5);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_lock)
            {
                _bytes.AddRange(buffer);
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
