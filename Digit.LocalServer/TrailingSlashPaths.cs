using Digit.Backend.Api;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Digit.LocalServer;

/// <summary>
/// The OpenAPI generator drops a route's trailing slash, but the frontend calls the contract's paths with theirs
/// (/api/drawing/): the document names them as they are served.
/// </summary>
internal sealed class TrailingSlashPaths : IOpenApiDocumentTransformer
{
    private static readonly string[] Routes =
    [
        DigitRoutes.Drawing, DigitRoutes.ModelAccuracy, DigitRoutes.Retrain, DigitRoutes.StopTraining, DigitRoutes.ModelStatus,
        DigitRoutes.TrainingProgress, DigitRoutes.ProgressStream, DigitRoutes.Run, DigitRoutes.Models,
        DigitRoutes.ModelVersions, DigitRoutes.Page, DigitRoutes.Feedback, DigitRoutes.FeedbackCount,
    ];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var route in Routes.Where(route => route.EndsWith('/')))
        {
            var generated = "/" + route.TrimEnd('/');
            if (document.Paths.Remove(generated, out var item))
            {
                document.Paths.Add("/" + route, item);
            }
        }
        return Task.CompletedTask;
    }
}
