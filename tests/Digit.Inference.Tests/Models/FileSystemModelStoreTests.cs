using System.Text.Json;
using Digit.Inference.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Inference.Tests.Models;

public sealed class FileSystemModelStoreTests : ModelStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"digit-models-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    protected override IModelStore CreateStore() =>
        new FileSystemModelStore(new FileSystemModelStoreOptions { Folder = _folder }, Time, NullLogger<FileSystemModelStore>.Instance);

    [Fact]
    public async Task PublishAsync_Model_WritesVersionFileAndPointer()
    {
        var published = await CreateStore().PublishAsync(ModelBytes(1), 0.99, CancellationToken.None);

        Assert.Equal(ModelBytes(1), File.ReadAllBytes(Path.Combine(_folder, "versions", published.Version + ".onnx")));
        using var pointer = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_folder, "current.json")));
        Assert.Equal(published.Version, pointer.RootElement.GetProperty("version").GetString());
        Assert.Equal(0.99, pointer.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(Start, pointer.RootElement.GetProperty("publishedAt").GetDateTimeOffset());
        Assert.Empty(Directory.EnumerateFiles(_folder, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task SaveCheckpointAsync_Checkpoint_WritesCheckpointFile()
    {
        await CreateStore().SaveCheckpointAsync("run-7", ModelBytes(2), CancellationToken.None);

        Assert.Equal(ModelBytes(2), File.ReadAllBytes(Path.Combine(_folder, "checkpoints", "run-7.bin")));
    }

    [Fact]
    public async Task GetCurrentAsync_LeftoversOfCrashedPublish_StillReturnsPreviousModel()
    {
        var store = CreateStore();
        var previous = await store.PublishAsync(ModelBytes(3), 0.95, CancellationToken.None);
        // A process killed mid-publish leaves a partial temporary model, or a partial temporary pointer.
        File.WriteAllBytes(Path.Combine(_folder, "versions", ".0123456789abcdef.tmp"), ModelBytes(4, length: 100));
        File.WriteAllText(Path.Combine(_folder, ".fedcba9876543210.tmp"), """{"version":"2025""");

        var reopened = CreateStore();

        Assert.Equal(previous, await reopened.GetCurrentAsync(CancellationToken.None));
        Assert.Equal(ModelBytes(3), await reopened.ReadModelAsync(previous.Version, CancellationToken.None));
        var next = await reopened.PublishAsync(ModelBytes(5), 0.96, CancellationToken.None);
        Assert.Equal(next, await reopened.GetCurrentAsync(CancellationToken.None));
    }

    [Fact]
    public async Task PublishAsync_CancelledMidWrite_CurrentAlwaysPointsToCompleteModel()
    {
        var store = CreateStore();
        var models = new Dictionary<string, byte[]>();
        var first = await store.PublishAsync(ModelBytes(0), 0.9, CancellationToken.None);
        models[first.Version] = ModelBytes(0);

        // Cancel at different moments of a 2 MB write (written in 64 KiB chunks); wherever it stops, the
        // pointer names a model that is there in full.
        for (var attempt = 1; attempt <= 12; attempt++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
            var model = ModelBytes(attempt, length: 2 * 1024 * 1024);
            using var cancellation = new CancellationTokenSource();
            var publishing = store.PublishAsync(model, 0.9, cancellation.Token);
            if (attempt % 3 != 0)
            {
                await Task.Delay(attempt % 3 - 1);
            }

            cancellation.Cancel();
            try
            {
                var published = await publishing;
                models[published.Version] = model;
            }
            catch (OperationCanceledException)
            {
            }

            var current = await store.GetCurrentAsync(CancellationToken.None);
            Assert.NotNull(current);
            Assert.True(models.ContainsKey(current.Version), $"current.json names {current.Version}, which was never published in full.");
            Assert.Equal(models[current.Version], await store.ReadModelAsync(current.Version, CancellationToken.None));
        }

        Assert.Empty(Directory.EnumerateFiles(_folder, "*.tmp", SearchOption.AllDirectories));
    }
}
