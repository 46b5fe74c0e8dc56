using Digit.Backend.Api;
using Digit.Backend.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Digit.Functions.Http;

/// <summary>
/// The model routes: listing and activating need a function key (activation changes what everyone is served); the
/// read-only list for the built-in page is public.
/// </summary>
public sealed class ModelFunctions(ModelCatalog catalog)
{
    [Function(nameof(Models))]
    public Task<IResult> Models(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = DigitRoutes.Models)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ModelHandlers.GetModels(catalog, cancellationToken);

    [Function(nameof(ModelVersions))]
    public Task<IResult> ModelVersions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = DigitRoutes.ModelVersions)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ModelHandlers.GetModels(catalog, cancellationToken);

    [Function(nameof(ActivateModel))]
    public Task<IResult> ActivateModel(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = DigitRoutes.ActivateModel)] HttpRequest request,
        string version,
        CancellationToken cancellationToken) =>
        ModelHandlers.PostActivate(version, catalog, cancellationToken);
}
