using Azure.Storage.Blobs;

namespace Digit.Testing;

/// <summary>
/// A real Azurite blob service (from the repository's <c>node_modules</c>) on a free 127.0.0.1 port, started
/// once for the test run with its data in a temporary folder, and killed at the end. Tests keep apart by
/// using their own container (<see cref="NewContainerClient"/>).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // The emulator's well-known development account (public, the same for every Azurite).
    private const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), $"digit-azurite-{Guid.NewGuid():N}");
    private ServerProcess? _server;

    public int Port { get; private set; }

    /// <summary>The queue and table ports when all three services run (<see cref="StartAllServicesAsync"/>), else 0.</summary>
    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/{AccountName};"
        + (QueuePort > 0 ? $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};" : "");

    /// <summary>Blob, queue and table storage, as the Functions host and Durable Functions need them; the caller disposes it.</summary>
    public static async Task<AzuriteFixture> StartAllServicesAsync()
    {
        var azurite = new AzuriteFixture { QueuePort = ServerProcess.FindFreePort(), TablePort = ServerProcess.FindFreePort() };
        await azurite.InitializeAsync();
        return azurite;
    }

    /// <summary>A client for a container no other test uses; the container does not exist yet.</summary>
    public BlobContainerClient NewContainerClient() =>
        new(ConnectionString, $"test-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot.Find();
        var program = Path.Combine(root, "node_modules", ".bin", QueuePort > 0 ? "azurite" : "azurite-blob");
        if (!File.Exists(program))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed ({program} is missing); the Blob store tests need it. Run `npm install` in {root}.");
        }

        Directory.CreateDirectory(_dataFolder);
        Port = ServerProcess.FindFreePort();
        string[] queuesAndTables = QueuePort > 0
            ? ["--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(), "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString()]
            : [];
        _server = ServerProcess.Start(program, [
            "--blobHost", "127.0.0.1",
            "--blobPort", Port.ToString(),
            .. queuesAndTables,
            "--location", _dataFolder,
            "--silent",
            "--skipApiVersionCheck",
            "--loose",
        ]);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await _server.WaitUntilReadyAsync(() => AnswersHttpAsync(http), TimeSpan.FromSeconds(30));
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Temporary data only; leave it if the folder is busy.
        }

        return Task.CompletedTask;
    }

    private async Task<bool> AnswersHttpAsync(HttpClient http)
    {
        try
        {
            // Any HTTP answer (an unsigned list request gets 403) means the service listens.
            using var response = await http.GetAsync($"http://127.0.0.1:{Port}/{AccountName}?comp=list");
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}

