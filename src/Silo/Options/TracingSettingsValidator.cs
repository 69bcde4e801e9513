using Microsoft.Extensions.Options;

namespace OrleansCache.Silo.Options;

/// <summary>Rejects a trace endpoint that is not an absolute http or https address.</summary>
internal sealed class TracingSettingsValidator : IValidateOptions<TracingSettings>
{
    public ValidateOptionsResult Validate(string? name, TracingSettings options)
    {
        var errors = new SettingErrors();
        if (options.Enabled)
        {
            var valid = Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https";
            errors.Check(valid, TracingSettings.SectionName, nameof(TracingSettings.OtlpEndpoint), "must be an absolute http:// or https:// address of an OTLP receiver (e.g. http://collector:4317).");
        }

        return errors.Result();
    }
}
