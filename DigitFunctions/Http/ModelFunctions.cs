using Digit.Backend.Api;
using Digit.Backend.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Digit.Functions.Http;

/// <summary>The model routes: they change what everyone is served, so they need a function key.</summary>
public sealed class ModelFunctions(ModelCatalog catalog)
{
    [Function(nameof(Models))]
    public Task<IResult> Models(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = DigitRoutes.Models)] HttpRequest request,
        CancellationToken cancellationToken) =>
        ModelHandlers.GetModels(catalog, cancellationToken);

    [Function(nameof(ActivateModel))]
    public Task<IResult> ActivateModel(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = DigitRoutes.ActivateModel)] HttpRequest request,
        string version,
        CancellationToken cancellationToken) =>
        ModelHandlers.PostActivate(version, catalog, cancellationToken);
}
