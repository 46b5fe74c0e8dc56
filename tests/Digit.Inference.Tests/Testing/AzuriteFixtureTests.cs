using System.Net;
using System.Net.Sockets;
using Digit.Testing;

namespace Digit.Inference.Tests.Testing;

/// <summary>The Azurite the blob and real-host tests start: a port taken before it listens is not a failed test.</summary>
public sealed class AzuriteFixtureTests
{
    [Fact]
    public async Task StartAllServices_TablePortTakenByAnotherProcess_ListensOnOtherPorts()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var azurite = await AzuriteFixture.StartAllServicesAsync(ServerProcess.FindFreePort(), takenPort);
        var container = azurite.NewContainerClient();
        await container.CreateAsync();

        Assert.NotEqual(takenPort, azurite.TablePort);
        Assert.True(await container.ExistsAsync());
    }
}
