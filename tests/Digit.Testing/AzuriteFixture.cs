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

    // A free port can be taken by another process before Azurite listens on it; Azurite then exits, and new ports are tried.
    private const int StartAttempts = 3;

    /// <summary>Blob, queue and table storage, as the Functions host and Durable Functions need them; the caller disposes it.</summary>
    public static Task<AzuriteFixture> StartAllServicesAsync() =>
        StartAllServicesAsync(ServerProcess.FindFreePort(), ServerProcess.FindFreePort());

    /// <summary>
    /// As <see cref="StartAllServicesAsync()"/>, trying <paramref name="queuePort"/> and <paramref name="tablePort"/>
    /// first: when one is taken, other free ports are tried.
    /// </summary>
    public static async Task<AzuriteFixture> StartAllServicesAsync(int queuePort, int tablePort)
    {
        var azurite = new AzuriteFixture { QueuePort = queuePort, TablePort = tablePort };
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
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync(program);
                return;
            }
            catch (InvalidOperationException exception) when (attempt < StartAttempts && exception.Message.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                _server?.Dispose();
                if (QueuePort > 0)
                {
                    (QueuePort, TablePort) = (ServerProcess.FindFreePort(), ServerProcess.FindFreePort());
                }
            }
        }
    }

    private async Task StartAsync(string program)
    {
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

    /// <summary>Whether every service started answers: a port taken from under one of them ends Azurite before it is ready.</summary>
    private async Task<bool> AnswersHttpAsync(HttpClient http)
    {
        try
        {
            // Any HTTP answer (an unsigned list request gets 403) means the service listens.
            foreach (var port in QueuePort > 0 ? new[] { Port, QueuePort, TablePort } : [Port])
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/{AccountName}?comp=list");
            }
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}

