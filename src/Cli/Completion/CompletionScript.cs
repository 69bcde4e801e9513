using System.Text;

namespace OrleansCache.Cli.Completion;

/// <summary>
/// Writes a static completion script for bash, zsh or PowerShell from a <see cref="CompletionModel"/>: a script needs
/// no tool running at completion time (System.CommandLine's own completion wants the dotnet-suggest tool installed).
/// </summary>
internal static class CompletionScript
{
    public static readonly string[] Shells = ["bash", "zsh", "pwsh"];

    public static string For(string shell, CompletionModel model) => shell switch
    {
        "bash" => $"# bash completion for {model.Tool}. Load it with:\n#   source <({model.Tool} completion bash)\n" + BashFunction(model),
        // zsh runs the same function through its bash completion layer.
        "zsh" => $"#compdef {model.Tool}\n# zsh completion for {model.Tool}. Load it with:\n#   source <({model.Tool} completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n" + BashFunction(model),
        "pwsh" => PowerShell(model),
        _ => throw new ArgumentException($"no completion for shell '{shell}'; choose one of {string.Join(", ", Shells)}.", nameof(shell)),
    };

    /// <summary>The shell function's name: the tool's name as a shell identifier.</summary>
    internal static string FunctionName(CompletionModel model) => "_" + model.Tool.Replace('-', '_');

    private static string BashFunction(CompletionModel model)
    {
        var script = new StringBuilder();
        script.Append(FunctionName(model)).Append("()\n{\n");
        script.Append("    local cur prev command i\n");
        script.Append("    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n");
        script.Append("    prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n");
        script.Append("    command=\"\"\n");
        script.Append("    for ((i = 1; i < COMP_CWORD; i++)); do\n");
        script.Append("        case \"${COMP_WORDS[i]}\" in\n");
        script.Append("            ").Append(string.Join('|', model.Commands)).Append(") command=\"${COMP_WORDS[i]}\"; break ;;\n");
        script.Append("        esac\n");
        script.Append("    done\n");
        script.Append("    case \"$prev\" in\n");
        foreach (var (option, values) in model.Values)
        {
            script.Append("        ").Append(option).Append(") COMPREPLY=($(compgen -W \"").Append(string.Join(' ', values)).Append("\" -- \"$cur\")); return 0 ;;\n");
        }

        if (model.Paths.Count > 0)
        {
            script.Append("        ").Append(string.Join('|', model.Paths)).Append(") COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n");
        }

        if (model.Valued.Count > 0)
        {
            script.Append("        ").Append(string.Join('|', model.Valued)).Append(") COMPREPLY=(); return 0 ;;\n");
        }

        script.Append("    esac\n");
        script.Append("    case \"$command\" in\n");
        foreach (var (command, words) in model.Words)
        {
            var pattern = command.Length == 0 ? "\"\"" : command;
            script.Append("        ").Append(pattern).Append(") COMPREPLY=($(compgen -W \"").Append(string.Join(' ', words)).Append("\" -- \"$cur\")) ;;\n");
        }

        script.Append("    esac\n");
        script.Append("    return 0\n}\n");
        script.Append("complete -F ").Append(FunctionName(model)).Append(' ').Append(model.Tool).Append('\n');
        return script.ToString();
    }

    private static string PowerShell(CompletionModel model)
    {
        static string List(IEnumerable<string> words) => "@(" + string.Join(", ", words.Select(w => $"'{w}'")) + ")";

        var script = new StringBuilder();
        script.Append("# PowerShell completion for ").Append(model.Tool).Append(". Load it with:\n");
        script.Append("#   ").Append(model.Tool).Append(" completion pwsh | Out-String | Invoke-Expression\n");
        script.Append("Register-ArgumentCompleter -Native -CommandName '").Append(model.Tool).Append("' -ScriptBlock {\n");
        script.Append("    param($wordToComplete, $commandAst, $cursorPosition)\n");
        script.Append("    $words = @{\n");
        foreach (var (command, words) in model.Words)
        {
            script.Append("        '").Append(command).Append("' = ").Append(List(words)).Append('\n');
        }

        script.Append("    }\n");
        script.Append("    $values = @{\n");
        foreach (var (option, values) in model.Values)
        {
            script.Append("        '").Append(option).Append("' = ").Append(List(values)).Append('\n');
        }

        script.Append("    }\n");
        script.Append("    $userValues = ").Append(List(model.Paths.Concat(model.Valued))).Append('\n');
        script.Append("    $typed = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })\n");
        script.Append("    $before = if ($wordToComplete) { @($typed | Select-Object -SkipLast 1) } else { $typed }\n");
        script.Append("    $command = ''\n");
        script.Append("    foreach ($word in $before) { if ($word -and $words.ContainsKey($word)) { $command = $word; break } }\n");
        script.Append("    $previous = if ($before.Count -gt 0) { $before[-1] } else { '' }\n");
        script.Append("    if ($values.ContainsKey($previous)) { $candidates = $values[$previous] }\n");
        script.Append("    elseif ($userValues -contains $previous) { return }\n");
        script.Append("    else { $candidates = $words[$command] }\n");
        script.Append("    $candidates | Where-Object { $_ -like \"$wordToComplete*\" } | ForEach-Object {\n");
        script.Append("        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)\n");
        script.Append("    }\n");
        script.Append("}\n");
        return script.ToString();
    }
}
