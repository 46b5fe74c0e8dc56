using Digit.Service.Api;
using Digit.Service.Hosting;

// The local server: the whole contract on ASP.NET Core, retraining in this process.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddLocalServerLogDefaults();
builder.WebHost.UseLocalServerDefaults(builder.Configuration);
builder.Logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Services.AddDigitService();
builder.Services.AddLocalRetraining();

var app = builder.Build();
app.UseCors(DigitServiceCollectionExtensions.CorsPolicy);
app.MapDigitApi();
try
{
    await app.RunAsync();
}
catch (InvalidSettingException exception)
{
    // A setting the user can fix: say which in one line, not as a crash.
    await Console.Error.WriteLineAsync($"The local server cannot start: {exception.Message}");
    return 1;
}
return 0;
