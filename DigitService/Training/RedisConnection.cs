using Digit.Service.Hosting;
using StackExchange.Redis;

namespace Digit.Service.Training;

/// <summary>Connects to Redis from REDIS_URL, in either the URL form the old service used or StackExchange.Redis's own.</summary>
public static class RedisConnection
{
    /// <summary>
    /// Parses <c>redis://[user:password@]host[:port][/db]</c>, <c>rediss://...</c> (TLS), or a StackExchange.Redis
    /// configuration string such as <c>host:6379,password=...</c>.
    /// </summary>
    public static ConfigurationOptions Parse(string redisUrl)
    {
        if (!redisUrl.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) &&
            !redisUrl.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return ConfigurationOptions.Parse(redisUrl);
        }
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
        if (int.TryParse(url.AbsolutePath.Trim('/'), out var database))
        {
            options.DefaultDatabase = database;
        }
        return options;
    }

    /// <summary>Connects now, so a wrong or unreachable REDIS_URL stops start-up with a message that says so.</summary>
    public static IConnectionMultiplexer Connect(string redisUrl)
    {
        ConfigurationOptions options;
        try
        {
            options = Parse(redisUrl);
        }
        catch (Exception exception) when (exception is UriFormatException or ArgumentException)
        {
            throw new InvalidSettingException($"REDIS_URL '{redisUrl}' is not a Redis URL (redis://host:6379/0) or connection string: {exception.Message}", exception);
        }
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        try
        {
            return ConnectionMultiplexer.Connect(options);
        }
        catch (RedisConnectionException exception)
        {
            throw new InvalidSettingException(
                $"Redis at REDIS_URL '{redisUrl}' cannot be reached ({exception.FailureType}): start Redis there or correct REDIS_URL.", exception);
        }
    }
}
