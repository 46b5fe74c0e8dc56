using System.Collections.Concurrent;
using Digit.Testing.Hosts;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Digit.LocalServer.Tests.Support;

/// <summary>
/// The local server built by its own Program in this test process, on Kestrel at 127.0.0.1 with a free port, so
/// requests, SSE and CORS go over a real socket. Settings are given by their environment names; services can be
/// replaced to inject faults. What it logs is kept for failure messages.
/// </summary>
public class InProcessLocalServer : DigitHost
{
    private readonly string _modelDirectory = Directory.CreateTempSubdirectory("digit-models-").FullName;
    private readonly LogCapture _log = new();
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;
    private Factory? _factory;

    /// <summary>A server with the test settings.</summary>
    public InProcessLocalServer()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>A server with <paramref name="settings"/> on top of the test settings, and services replaced by <paramref name="configureServices"/>.</summary>
    internal InProcessLocalServer(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        _settings = settings;
        _configureServices = configureServices;
    }

    /// <summary>Starts a server with <paramref name="settings"/>; the caller disposes it.</summary>
    public static async Task<InProcessLocalServer> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var server = new InProcessLocalServer(settings ?? new Dictionary<string, string?>(), configureServices);
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Settings on top of <see cref="DigitHost.TestSettings"/>.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <inheritdoc />
    protected override bool ServesAModel => !Settings.TryGetValue("SHIPPED_MODEL", out var shipped) || File.Exists(shipped);

    /// <summary>The folder of this server's model store.</summary>
    public string ModelDirectory => _modelDirectory;

    /// <inheritdoc />
    public override string Output => _log.Text;

    /// <summary>The server's services (after start).</summary>
    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Replaces services before the server starts, to inject faults.</summary>
    protected virtual void ConfigureServices(IServiceCollection services) => _configureServices?.Invoke(services);

    protected override Task<Uri> StartAsync()
    {
        var settings = new Dictionary<string, string?>(TestSettings(_modelDirectory));
        foreach (var (name, value) in Settings)
        {
            // A null setting is one the server must not be given (its own default applies), as for a process.
            if (value is null)
            {
                settings.Remove(name);
            }
            else
            {
                settings[name] = value;
            }
        }
        _factory = new Factory(settings, _log, ConfigureServices);
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return Task.FromResult(new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal)));
    }

    protected override async Task StopAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await Task.Run(() => Directory.Delete(_modelDirectory, recursive: true));
    }

    private sealed class Factory(
        IReadOnlyDictionary<string, string?> settings,
        LogCapture log,
        Action<IServiceCollection> configureServices) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (name, value) in settings)
            {
                builder.UseSetting(name, value);
            }
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.ConfigureLogging(logging => logging.AddProvider(log));
            builder.ConfigureServices(configureServices);
        }
    }
}

/// <summary>Keeps what a server logs (the last lines), for failure messages and tests that look for a line.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private const int KeptLines = 2000;
    private readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join(Environment.NewLine, _lines);

    public IEnumerable<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > KeptLines && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                capture.Add($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
