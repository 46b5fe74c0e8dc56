using Digit.Backend.Hosting;
using Digit.LocalServer;

// The local server: the whole contract on ASP.NET Core, retraining in this process.
var builder = WebApplication.CreateBuilder(args);
builder.AddLocalServer();

var app = builder.Build();
app.UseLocalServer();
try
{
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (StartupFailure.Describe(exception) is { } reason)
{
    // A setting the user can fix: say which in one line, not as a crash.
    await Console.Error.WriteLineAsync($"The local server cannot start: {reason}");
    return 1;
}
