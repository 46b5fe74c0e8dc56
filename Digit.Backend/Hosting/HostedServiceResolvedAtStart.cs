using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Digit.Backend.Hosting;

/// <summary>
/// A hosted service that is built when the host starts it, not when the host gathers its hosted services. The host
/// builds every hosted service before it starts the first, and building Digit's connects to Redis and creates the
/// Blob clients: on Azure Functions that would delay the worker's connection to the Functions host, which starts
/// first and which every request waits for (bench/README.md, "Cold start").
/// </summary>
/// <typeparam name="T">The hosted service, registered as a singleton of its own type.</typeparam>
internal sealed class HostedServiceResolvedAtStart<T>(IServiceProvider services) : IHostedService
    where T : class, IHostedService
{
    private T? _service;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _service = services.GetRequiredService<T>();
        return _service.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => _service?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
