using Digit.Backend.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Digit.Functions.Http;

/// <summary>The built-in page at /app/ and its files, from the shared handler.</summary>
public sealed class PageFunctions
{
    [Function(nameof(Page))]
    public IResult Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DigitRoutes.Page)] HttpRequest request) =>
        PageHandlers.GetPage(request);

    [Function(nameof(PageFile))]
    public IResult PageFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DigitRoutes.PageFile)] HttpRequest request,
        string file) =>
        PageHandlers.GetPageFile(request, file);
}
