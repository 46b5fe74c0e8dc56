using Digit.Inference.Corrections;
using Digit.Inference.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Inference.Tests.Corrections;

public sealed class FileSystemCorrectionStoreTests : CorrectionStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"digit-models-{Guid.NewGuid():N}");
    private readonly List<FileSystemCorrectionStore> _stores = [];

    public void Dispose()
    {
        _stores.ForEach(store => store.Dispose());
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    protected override ICorrectionStore CreateStore()
    {
        var store = new FileSystemCorrectionStore(new FileSystemModelStoreOptions { Folder = _folder }, NullLogger<FileSystemCorrectionStore>.Instance);
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task AddAsync_Correction_WritesOneFileInTheCorrectionsFolderOfTheModelStore()
    {
        var correction = NewCorrection(1);

        await CreateStore().AddAsync(correction, CancellationToken.None);

        Assert.Equal([correction.Id + ".json"], Directory.GetFiles(Path.Combine(_folder, "corrections")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ListAsync_LeftoversOfACrashedWrite_AreIgnored()
    {
        var store = CreateStore();
        var correction = NewCorrection(2);
        await store.AddAsync(correction, CancellationToken.None);
        // A process killed mid-write leaves a temporary file; a file cut short by hand is no correction either.
        File.WriteAllText(Path.Combine(_folder, "corrections", ".0123456789abcdef.tmp"), "{\"id\":");
        File.WriteAllText(Path.Combine(_folder, "corrections", NewCorrection(3).Id + ".json"), "{\"id\":");

        AssertSame(correction, Assert.Single(await CreateStore().ListAsync(CancellationToken.None)));
    }
}
