using Digit.Backend.Telemetry;
using Digit.Functions.Hosting;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The Azure Functions app: the contract's routes as HTTP triggers, retraining as a Durable orchestration.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<SecurityHeaders>();
builder.Services.AddDigitFunctions(builder.Configuration);
builder.Services.AddDigitTelemetry(builder.Configuration, telemetry => telemetry.UseFunctionsWorkerDefaults());

builder.Build().Run();
