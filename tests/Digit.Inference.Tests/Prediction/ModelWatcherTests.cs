using Digit.Inference.Models;
using Digit.Inference.Prediction;
using Digit.Testing.Hosts;
using Digit.Training.Onnx.Proto;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Digit.Inference.Tests.Prediction;

/// <summary>
/// The watcher over a real store with faults in it: an unreadable pointer, versions that do not load (junk, a
/// model with no inputs), at start and while serving. A bad version is reported once; when nothing can be served
/// the newest version that loads is served.
/// </summary>
public sealed class ModelWatcherTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private readonly string _folder = Directory.CreateTempSubdirectory("digit-watcher-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CountingLogger _log = new();
    private readonly ModelProvider _provider = new();
    private readonly FileSystemModelStore _store;

    public ModelWatcherTests()
    {
        _store = new FileSystemModelStore(new FileSystemModelStoreOptions { Folder = _folder }, _time, NullLogger<FileSystemModelStore>.Instance);
    }

    private static byte[] Good => File.ReadAllBytes(DigitHost.ShippedModel);

    public void Dispose()
    {
        _provider.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Start_PointerUnreadable_ServesTheNewestVersionThatLoadsAndSaysSo()
    {
        await PublishAsync(Good);
        var newest = await PublishAsync(Good);
        await File.WriteAllTextAsync(Path.Combine(_folder, "current.json"), "{ this is not json");

        using var watcher = NewWatcher();
        await watcher.StartAsync(CancellationToken.None);

        Assert.Equal(newest.Version, _provider.Current?.Version.Version);
        Assert.Contains(_log.Lines, line => line.Contains("serving " + newest.Version + " instead", StringComparison.Ordinal));
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Start_CurrentVersionDoesNotLoad_ServesTheNewestOlderVersionThatDoes()
    {
        var good = await PublishAsync(Good);
        var junk = await PublishAsync("not a model"u8.ToArray());

        using var watcher = NewWatcher();
        await watcher.StartAsync(CancellationToken.None);

        Assert.Equal(good.Version, _provider.Current?.Version.Version);
        Assert.Single(_log.Errors, line => line.Contains(junk.Version, StringComparison.Ordinal));
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Polling_ModelWithNoInputsPublished_KeepsServingAndReportsItOnce()
    {
        var good = await PublishAsync(Good);
        using var watcher = NewWatcher();
        await watcher.StartAsync(CancellationToken.None);

        var bad = await PublishAsync(ModelWithoutInputs());
        for (var i = 0; i < 20; i++)
        {
            await watcher.TryRefreshAsync(CancellationToken.None);
        }

        Assert.Equal(good.Version, _provider.Current?.Version.Version);
        var reports = _log.Errors.Where(line => line.Contains(bad.Version, StringComparison.Ordinal)).ToArray();
        Assert.Single(reports);
        Assert.Contains("0 inputs", reports[0]);
        await watcher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Polling_PointerCorruptedWhileServing_KeepsServingAndReportsItOnce()
    {
        var good = await PublishAsync(Good);
        using var watcher = NewWatcher();
        await watcher.StartAsync(CancellationToken.None);

        await File.WriteAllTextAsync(Path.Combine(_folder, "current.json"), "garbage");
        for (var i = 0; i < 20; i++)
        {
            await watcher.TryRefreshAsync(CancellationToken.None);
        }

        Assert.Equal(good.Version, _provider.Current?.Version.Version);
        Assert.Single(_log.Errors);
        await watcher.StopAsync(CancellationToken.None);
    }

    private async Task<ModelVersion> PublishAsync(byte[] model)
    {
        _time.Advance(TimeSpan.FromMilliseconds(1));
        return await _store.PublishAsync(model, 0.99, CancellationToken.None);
    }

    private ModelWatcher NewWatcher() => new(
        _store,
        new ShippedModelSeeder(_store, NullLogger<ShippedModelSeeder>.Instance),
        _provider,
        new ModelWatcherOptions(Poll, null),
        _time,
        _log);

    /// <summary>A valid ONNX model that takes nothing and returns a constant: loadable, but not a digit model.</summary>
    private static byte[] ModelWithoutInputs()
    {
        var constant = new TensorProto { DataType = 1 };
        constant.Dims.Add(1);
        constant.FloatData.Add(0);
        var node = new NodeProto { OpType = "Constant" };
        node.Output.Add("y");
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = constant });
        var output = new ValueInfoProto
        {
            Name = "y",
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = new TensorShapeProto() } },
        };
        output.Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        var graph = new GraphProto { Name = "constant" };
        graph.Node.Add(node);
        graph.Output.Add(output);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    private sealed class CountingLogger : ILogger<ModelWatcher>
    {
        private readonly List<(LogLevel Level, string Text)> _lines = [];

        public IEnumerable<string> Lines => Snapshot().Select(line => line.Text);

        public IEnumerable<string> Errors => Snapshot().Where(line => line.Level >= LogLevel.Error).Select(line => line.Text);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add((logLevel, formatter(state, exception)));
            }
        }

        private List<(LogLevel Level, string Text)> Snapshot()
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }
}
