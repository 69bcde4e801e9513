using Microsoft.Extensions.Options;

namespace OrleansCache.Silo.Options;

/// <summary>Rejects Redis settings that cannot work; never repeats the password.</summary>
internal sealed class RedisSettingsValidator : IValidateOptions<RedisSettings>
{
    private const string S = RedisSettings.SectionName;

    public ValidateOptionsResult Validate(string? name, RedisSettings options)
    {
        var errors = new SettingErrors();
        if (!options.Enabled)
        {
            errors.Check(options.User is null && options.Password is null, S, nameof(RedisSettings.User), $"and {S}:{nameof(RedisSettings.Password)} need {S}:{nameof(RedisSettings.ConnectionString)} (--redis).");
            errors.Check(options.BridgeEnabled != true, "RedisBridge", "Enabled", $"needs {S}:{nameof(RedisSettings.ConnectionString)} (--redis): the bridge runs on the cluster's Redis.");
            return errors.Result();
        }

        // Whether the connection string can be read is the cache's Redis options' to say (they bind the same section):
        // one line per bad setting, not two.
        return errors.Result();
    }
}
