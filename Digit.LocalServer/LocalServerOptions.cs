using System.ComponentModel;
using Digit.Backend.Hosting;
using Microsoft.Extensions.Options;

namespace Digit.LocalServer;

/// <summary>Where the local server listens when neither <c>--urls</c> nor ASPNETCORE_URLS says.</summary>
internal sealed class LocalServerOptions
{
    /// <summary>The port on localhost; `func start`'s, so the frontend's base URL works with either host.</summary>
    [ConfigurationKeyName("PORT"), SettingRange(1, 65_535)]
    [Description("port on localhost the local server listens on, unless --urls or ASPNETCORE_URLS says otherwise")]
    public int Port { get; set; } = 7071;
}

/// <summary>Checks <see cref="LocalServerOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class LocalServerOptionsValidator : IValidateOptions<LocalServerOptions>;
