using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Digit.Bench.EmptyFunctionsApp;

/// <summary>
/// DigitFunctions' health and prediction routes, answered without work: health says ready, and a drawing is read
/// whole and answered with a fixed digit. The answers only let the cold-start command see the app serve.
/// </summary>
public static class EmptyFunctions
{
    [Function("Health")]
    public static IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{ignored:maxlength(0)?}")] HttpRequest request) =>
        Results.Ok(new { status = "healthy", ready = true });

    [Function("Drawing")]
    public static async Task<IResult> Drawing(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/drawing/")] HttpRequest request, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        return Results.Ok(new { prediction = 0, confidence = 0.0, bytes = body.Length });
    }
}
