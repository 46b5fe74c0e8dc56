using Digit.Backend.Hosting;
using Digit.LocalServer;
using Microsoft.Extensions.Options;

// The local server: the whole contract on ASP.NET Core, retraining in this process.
var builder = WebApplication.CreateBuilder(args);
builder.AddLocalServer();

var app = builder.Build();
app.UseLocalServer();
try
{
    // Every setting is checked before any service is made (the host makes its hosted services first, and they read
    // settings), so that one line names every bad setting.
    app.Services.GetRequiredService<IStartupValidator>().Validate();
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (StartupFailure.Describe(exception) is { } reason)
{
    // A setting the user can fix: say which in one line, not as a crash.
    await Console.Error.WriteLineAsync($"The local server cannot start: {reason}");
    return 1;
}
