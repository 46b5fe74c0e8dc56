namespace Digit.LocalServer;

/// <summary>
/// The outermost middleware: an unhandled exception and every error answer without a body (routing's 404 and 405,
/// host filtering's 400) become problem details. A startup filter registered before the web host's own, so that it
/// wraps host filtering too, which the web host puts in front of the app's pipeline.
/// </summary>
internal sealed class ProblemAnswers : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        next(app);
    };
}
