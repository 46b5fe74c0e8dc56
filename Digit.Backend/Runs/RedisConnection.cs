using System.Text.RegularExpressions;
using Digit.Backend.Hosting;
using StackExchange.Redis;

namespace Digit.Backend.Runs;

/// <summary>Connects to Redis from REDIS_URL, in either the URL form the old service used or StackExchange.Redis's own.</summary>
public static partial class RedisConnection
{
    /// <summary>
    /// Parses <c>redis://[user:password@]host[:port][/db]</c>, <c>rediss://...</c> (TLS), or a StackExchange.Redis
    /// configuration string such as <c>host:6379,password=...</c>, and sets what an outage needs: commands fail at
    /// once while disconnected instead of queueing, time out within a second, and reconnect every half second.
    /// </summary>
    public static ConfigurationOptions Parse(string redisUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(redisUrl);
        var options = IsUrl(redisUrl) ? ParseUrl(redisUrl) : ConfigurationOptions.Parse(redisUrl);
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AsyncTimeout = 750;
        options.SyncTimeout = 750;
        options.ConnectTimeout = 2000;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        return options;
    }

    /// <summary>Connects now, so a wrong or unreachable REDIS_URL stops start-up with a message that says so (password hidden).</summary>
    public static IConnectionMultiplexer Connect(string redisUrl)
    {
        ConfigurationOptions options;
        try
        {
            options = Parse(redisUrl);
        }
        catch (Exception exception) when (exception is UriFormatException or ArgumentException or FormatException)
        {
            throw new InvalidSettingException(
                $"REDIS_URL '{Redact(redisUrl)}' is not a Redis URL (redis://host:6379/0) or connection string.", exception);
        }
        options.AbortOnConnectFail = true;
        try
        {
            var connection = ConnectionMultiplexer.Connect(options);
            // Only the first connection must succeed; after an outage the multiplexer reconnects by itself.
            connection.GetDatabase();
            return connection;
        }
        catch (RedisConnectionException exception)
        {
            throw new InvalidSettingException(
                $"Redis at REDIS_URL '{Redact(redisUrl)}' cannot be reached ({exception.FailureType}): start Redis there or correct REDIS_URL.", exception);
        }
    }

    /// <summary><paramref name="redisUrl"/> with any password replaced by ***, for messages and logs.</summary>
    public static string Redact(string redisUrl)
    {
        if (IsUrl(redisUrl))
        {
            return UrlUserInfo().Replace(redisUrl, match => match.Groups["user"].Success && match.Groups["password"].Success
                ? $"{match.Groups["scheme"].Value}{match.Groups["user"].Value}:***@"
                : $"{match.Groups["scheme"].Value}***@");
        }
        return PasswordOption().Replace(redisUrl, "${key}=***");
    }

    private static bool IsUrl(string redisUrl) =>
        redisUrl.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || redisUrl.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase);

    private static ConfigurationOptions ParseUrl(string redisUrl)
    {
        var url = new Uri(redisUrl);
        var options = new ConfigurationOptions { Ssl = url.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase) };
        options.EndPoints.Add(url.Host, url.IsDefaultPort || url.Port < 0 ? 6379 : url.Port);
        if (url.UserInfo.Length > 0)
        {
            var parts = url.UserInfo.Split(':', 2);
            if (parts.Length == 2)
            {
                options.User = parts[0].Length > 0 ? Uri.UnescapeDataString(parts[0]) : null;
                options.Password = Uri.UnescapeDataString(parts[1]);
            }
            else
            {
                options.Password = Uri.UnescapeDataString(parts[0]);
            }
        }
        var path = url.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.TryParse(path, out var database) && database >= 0
                ? database
                : throw new FormatException($"the database '{path}' is not a number");
        }
        return options;
    }

    [GeneratedRegex(@"^(?<scheme>rediss?://)(?:(?<user>[^:@/]*):(?<password>[^@/]*)|[^@/]*)@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlUserInfo();

    [GeneratedRegex(@"(?<key>password)\s*=\s*[^,]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordOption();
}
