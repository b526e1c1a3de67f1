using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>Reads the <c>EcsPreDeployTask</c> items and what <c>-t:EcsRunTask</c> runs.</summary>
internal static partial class OneOffTaskSettingsReader
{
    /// <summary>Parses <c>NAME=value;NAME2=value2</c> (a value may contain '='; none may contain ';').</summary>
    public static List<EnvironmentSetting>? ParseEnvironment(string? text, out string? problem)
    {
        problem = null;
        var result = new List<EnvironmentSetting>();
        foreach (var pair in SettingsValues.SplitList(text))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? pair[..equals].Trim() : null;
            if (name is null || !EnvironmentName().IsMatch(name))
            {
                problem = $"'{pair}' is not NAME=value with a valid variable name (letters, digits and '_', not starting with a digit)";
                return null;
            }

            if (result.Exists(e => e.Name == name))
            {
                problem = $"{name} is set twice";
                return null;
            }

            result.Add(new EnvironmentSetting(name, pair[(equals + 1)..]));
        }

        return result;
    }

    public static List<OneOffTaskSetting> ReadPreDeployTasks(SettingsValues values)
    {
        var result = new List<OneOffTaskSetting>();
        foreach (var item in values.Items(EcsProperties.PreDeployTaskItem))
        {
            var subject = $"{EcsProperties.PreDeployTaskItem} '{item.Include}'";
            if (result.Exists(t => t.Name == item.Include))
            {
                values.Error(DiagnosticCodes.DuplicateItem, subject, $"{subject} is defined more than once.");
                continue;
            }

            var valid = true;
            var environment = ParseEnvironment(item.Get("Environment"), out var problem);
            if (environment is null)
            {
                valid = values.Error(DiagnosticCodes.OneOffTaskInvalid, subject, $"{subject} has Environment='{item.Get("Environment")}': {problem}. Use NAME=value pairs separated by ';'.");
            }

            var timeout = values.MetadataInt(item, subject, "TimeoutMinutes", 1, 7 * 24 * 60, DiagnosticCodes.OneOffTaskInvalid, ref valid);
            if (valid)
            {
                result.Add(new OneOffTaskSetting(subject, item.Get("Container"), SettingsValues.SplitList(item.Get("Command")), environment!, timeout) { Name = item.Include });
            }
        }

        return result;
    }

    public static OneOffTaskSetting ReadRunTask(SettingsValues values)
    {
        var environment = ParseEnvironment(values.Get(EcsProperties.RunTaskEnvironment), out var problem);
        if (environment is null)
        {
            values.Error(DiagnosticCodes.OneOffTaskInvalid, EcsProperties.RunTaskEnvironment, $"{EcsProperties.RunTaskEnvironment}='{values.Get(EcsProperties.RunTaskEnvironment)}': {problem}. Use NAME=value pairs separated by ';'.");
        }

        return new OneOffTaskSetting(EcsProperties.RunTaskCommand, values.Get(EcsProperties.RunTaskContainer), SettingsValues.SplitList(values.Get(EcsProperties.RunTaskCommand)), environment ?? [], null) { Name = "EcsRunTask" };
    }

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex EnvironmentName();
}
