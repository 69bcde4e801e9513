using System.CommandLine;
using System.CommandLine.Completions;

namespace OrleansCache.Cli.Completion;

/// <summary>
/// What a shell completes, read from the tool's own command tree (so a new command or option completes without a
/// second list to keep): the commands, the words each command takes, the values of options with a fixed set, and
/// which options take a file or another value.
/// </summary>
/// <param name="Tool">The command's name (<c>orleans-cache</c>).</param>
/// <param name="Words">For each command (and <c>""</c> for none yet), every word it takes: subcommands, options, argument values.</param>
/// <param name="Values">For each option with a fixed set of values (e.g. <c>--as</c>), those values.</param>
/// <param name="Paths">Options whose value is a file.</param>
/// <param name="Valued">Every other option that takes a value (after one, nothing is offered: the value is the user's).</param>
internal sealed record CompletionModel(
    string Tool,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Words,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Values,
    IReadOnlyList<string> Paths,
    IReadOnlyList<string> Valued)
{
    /// <summary>The commands, in the order the tool lists them.</summary>
    public IEnumerable<string> Commands => Words.Keys.Where(k => k.Length > 0);

    public static CompletionModel From(Command root)
    {
        var global = root.Options.Where(o => o.Recursive && !o.Hidden).ToArray();
        var words = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            [string.Empty] = [.. root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name), .. root.Options.Where(o => !o.Hidden).SelectMany(Names)],
        };
        var options = new List<Option>(root.Options);
        foreach (var command in root.Subcommands.Where(c => !c.Hidden))
        {
            words[command.Name] = [.. command.Arguments.SelectMany(ArgumentValues), .. command.Options.Concat(global).Where(o => !o.Hidden).SelectMany(Names)];
            options.AddRange(command.Options);
        }

        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var paths = new List<string>();
        var valued = new List<string>();
        foreach (var option in options.Where(o => !o.Hidden && !IsFlag(o)).DistinctBy(o => o.Name))
        {
            if (option.ValueType.IsEnum)
            {
                string[] known = [.. Enum.GetNames(option.ValueType).Select(n => n.ToLowerInvariant())];
                foreach (var name in Names(option))
                {
                    values[name] = known;
                }
            }
            else
            {
                (option.HelpName == "path" ? paths : valued).AddRange(Names(option));
            }
        }

        return new CompletionModel(root.Name, words, values, paths, valued);
    }

    /// <summary>True for options that take no value: switches (--json) and --help, --version.</summary>
    private static bool IsFlag(Option option) => option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0;

    /// <summary>An option's name and aliases that a shell user types (not <c>-?</c> or <c>/?</c>).</summary>
    private static IEnumerable<string> Names(Option option) =>
        new[] { option.Name }.Concat(option.Aliases).Where(n => n.StartsWith('-') && n != "-?").Distinct(StringComparer.Ordinal);

    /// <summary>The values an argument accepts when they are a fixed set (e.g. the shells of <c>completion</c>).</summary>
    private static IEnumerable<string> ArgumentValues(Argument argument) =>
        argument.GetCompletions(CompletionContext.Empty).Select(c => c.Label);
}
