using System.CommandLine;
using System.Diagnostics;
using Azure.Storage.Blobs;
using Digit.Bench.Support;
using Digit.Inference.Corrections;
using Digit.Inference.Models;
using Digit.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Digit.Bench.Commands;

/// <summary>
/// `corrections`: both correction stores filled with as many corrections as the default cap holds (FEEDBACK_MAX,
/// 50,000), then timed: the full list training reads, the id listing the count route reads, and one more add.
/// The folder store in a temporary folder; the Blob store in a real Azurite on 127.0.0.1.
/// </summary>
internal static class CorrectionsCommand
{
    private const double TargetListSeconds = 2;

    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Corrections in each store", DefaultValueFactory = _ => 50_000 };
        var stores = new Option<string>("--stores") { Description = "Which stores: folder, blob or both (comma-separated)", DefaultValueFactory = _ => "folder,blob" };
        var command = new Command("corrections", "Time listing and counting a full correction store, on disk and in Azurite") { count, stores };
        command.SetAction(async (result, cancellationToken) =>
        {
            var corrections = Enumerable.Range(0, result.GetValue(count)).Select(Correction).ToArray();
            var table = new FigureTable($"corrections: {corrections.Length:N0} stored, seconds");

            var chosen = result.GetValue(stores)!.Split(',', StringSplitOptions.TrimEntries);
            if (chosen.Contains("folder"))
            {
                var folder = Directory.CreateTempSubdirectory("digit-bench-corrections-").FullName;
                try
                {
                    using var files = new FileSystemCorrectionStore(new FileSystemModelStoreOptions { Folder = folder }, NullLogger<FileSystemCorrectionStore>.Instance);
                    await MeasureAsync("folder", files, corrections, table, cancellationToken);
                }
                finally
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            if (!chosen.Contains("blob"))
            {
                table.Write();
                return 0;
            }

            var azurite = new AzuriteFixture();
            await azurite.InitializeAsync();
            try
            {
                var container = azurite.NewContainerClient();
                var blobs = new BlobCorrectionStore(new BlobContainerClient(azurite.ConnectionString, container.Name), NullLogger<BlobCorrectionStore>.Instance);
                await MeasureAsync("Blob (Azurite)", blobs, corrections, table, cancellationToken);
            }
            finally
            {
                await azurite.DisposeAsync();
            }
            table.Write();
            return 0;
        });
        return command;
    }

    private static async Task MeasureAsync(string name, ICorrectionStore store, Correction[] corrections, FigureTable table, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(corrections, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (correction, token) => await store.AddAsync(correction, token));
        table.Add($"{name}: fill ({corrections.Length:N0} adds, 16 at once)", $"{clock.Elapsed.TotalSeconds:F1}");

        clock.Restart();
        var listed = await store.ListAsync(cancellationToken);
        table.Add($"{name}: ListAsync, first in the process ({listed.Count:N0} whole records)", $"{clock.Elapsed.TotalSeconds:F2}");
        clock.Restart();
        await store.ListAsync(cancellationToken);
        var list = clock.Elapsed.TotalSeconds;
        table.Add($"{name}: ListAsync again", $"{list:F2}", $"≤ {TargetListSeconds} s", list <= TargetListSeconds);

        clock.Restart();
        var ids = await store.ListIdsAsync(cancellationToken);
        table.Add($"{name}: ListIdsAsync ({ids.Count:N0}; the count route)", $"{clock.Elapsed.TotalSeconds:F2}");

        clock.Restart();
        await store.GetAsync(corrections[^1].Id, cancellationToken);
        await store.CountAsync(cancellationToken);
        await store.AddAsync(Correction(corrections.Length), cancellationToken);
        table.Add($"{name}: one new correction at the cap's size (get, count, add)", $"{clock.Elapsed.TotalSeconds:F2}");
    }

    /// <summary>A correction of a random image (seeded by <paramref name="seed"/>), as people's would be: about a fifth ink.</summary>
    private static Correction Correction(int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[CorrectionIds.PixelCount];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = random.Next(5) == 0 ? (byte)random.Next(1, 256) : (byte)0;
        }
        return CorrectionIds.Create(pixels, seed % 10, DateTimeOffset.UnixEpoch.AddSeconds(seed), "20261207T000000000Z-0001", (seed * 7) % 10);
    }
}
