namespace Digit.Service.Tests.TestSupport;

/// <summary>One local server with default settings, shared by the tests of a class.</summary>
public sealed class LocalServerFixture : IAsyncLifetime
{
    private LocalServer? _server;

    internal LocalServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() => _server = await LocalServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
