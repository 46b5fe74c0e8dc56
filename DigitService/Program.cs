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
app.Run();
