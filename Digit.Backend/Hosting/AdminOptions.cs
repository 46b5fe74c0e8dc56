using System.ComponentModel;
using Microsoft.Extensions.Configuration;

namespace Digit.Backend.Hosting;

/// <summary>Who may change which model everyone is served (the model routes) on the local server.</summary>
public sealed class AdminOptions
{
    /// <summary>The bearer token of the model routes; when unset they answer 404.</summary>
    [ConfigurationKeyName("ADMIN_TOKEN"), PasswordPropertyText(true)]
    [Description("bearer token of GET /api/models/ and POST /api/models/{version}/activate on the local server; unset: those routes answer 404")]
    public string? Token { get; set; }
}
