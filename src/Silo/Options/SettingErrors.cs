using OrleansCache.Silo.Hosting;

namespace OrleansCache.Silo.Options;

/// <summary>Collects validation failures, each one line that starts with the setting's key (and its switch, if any).</summary>
internal sealed class SettingErrors
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    public void Add(string section, string name, string problem) =>
        _errors.Add($"{SiloCommandLine.Describe($"{section}:{name}")} {problem}");

    public void Check(bool valid, string section, string name, string problem)
    {
        if (!valid)
        {
            Add(section, name, problem);
        }
    }

    public Microsoft.Extensions.Options.ValidateOptionsResult Result() =>
        _errors.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(_errors);
}
