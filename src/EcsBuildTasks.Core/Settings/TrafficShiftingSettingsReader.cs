using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Settings;

/// <summary>
/// Reads the blue/green, canary and linear properties, the <c>EcsLifecycleHook</c> and <c>EcsVerifyAlarm</c> items and
/// the verification gate settings. Value-level mistakes (a number out of ECS's range, an unknown lifecycle stage, a
/// malformed URL) are reported here with the property or item that holds them; how the values fit the strategy and the
/// service is checked on the generated definition (<c>TrafficShiftingValidator</c>).
/// </summary>
internal static partial class TrafficShiftingSettingsReader
{
    /// <summary>Stages a lifecycle hook can run at (the model's DeploymentLifecycleHookStage).</summary>
    public static readonly IReadOnlyList<string> HookStages =
    [
        "RECONCILE_SERVICE", "PRE_SCALE_UP", "POST_SCALE_UP", "TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT",
        "PRE_PRODUCTION_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT",
    ];

    /// <summary>ECS refuses PAUSE hooks where traffic is being moved.</summary>
    public static readonly IReadOnlyList<string> StagesWithoutPause = ["TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"];

    private static readonly string[] TimeoutActions = ["ROLLBACK", "CONTINUE"];

    public static TrafficShiftingSettings Read(SettingsValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var input = values.Input;
        var diagnostics = values.Diagnostics;
        return new TrafficShiftingSettings
        {
            BakeTimeMinutes = Minutes(values, EcsProperties.BakeTimeMinutes),
            CanaryPercent = Percent(input, diagnostics, EcsProperties.CanaryPercent, 0.1),
            CanaryBakeTimeMinutes = Minutes(values, EcsProperties.CanaryBakeTimeMinutes),
            LinearStepPercent = Percent(input, diagnostics, EcsProperties.LinearStepPercent, 3.0),
            LinearStepBakeTimeMinutes = Minutes(values, EcsProperties.LinearStepBakeTimeMinutes),
            AlternateTargetGroupArn = input.Get(EcsProperties.AlternateTargetGroupArn),
            ProductionListenerRuleArn = input.Get(EcsProperties.ProductionListenerRuleArn),
            TestListenerRuleArn = input.Get(EcsProperties.TestListenerRuleArn),
            InfrastructureRoleArn = input.Get(EcsProperties.InfrastructureRoleArn),
            LifecycleHooks = ReadHooks(values),
            Verification = ReadVerification(values),
        };
    }

    /// <summary>True for a multiple of 0.1 between <paramref name="minimum"/> and 100 (ECS's rule for canary and linear percentages).</summary>
    public static bool IsTrafficPercent(double value, double minimum)
    {
        var tenths = value * 10;
        return value >= minimum - 1e-9 && value <= 100 && Math.Abs(tenths - Math.Round(tenths)) < 1e-6;
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]{1,64}(:[a-zA-Z0-9_$-]{1,128})?$")]
    public static partial Regex LambdaArn();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")]
    public static partial Regex RoleArn();

    private static int? Minutes(SettingsValues values, string name) => values.Int(name, 0, 1440);

    private static double? Percent(SettingsInput input, DiagnosticCollection diagnostics, string name, double minimum)
    {
        var text = input.Get(name);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !IsTrafficPercent(value, minimum))
        {
            diagnostics.Error(DiagnosticCodes.TrafficPercentInvalid, name,
                string.Create(CultureInfo.InvariantCulture, $"{name}='{text}' must be a percentage between {minimum:0.0} and 100 in steps of 0.1 (e.g. 10 or 2.5)."));
            return null;
        }

        return Math.Round(value, 1);
    }

    private static List<LifecycleHookSetting> ReadHooks(SettingsValues values)
    {
        var diagnostics = values.Diagnostics;
        var result = new List<LifecycleHookSetting>();
        foreach (var item in values.Items(EcsProperties.LifecycleHookItem))
        {
            var target = item.Include.Trim();
            var isPause = string.Equals(target, LifecycleHookSetting.Pause, StringComparison.OrdinalIgnoreCase);
            var subject = $"{EcsProperties.LifecycleHookItem} '{target}'";
            var errors = diagnostics.Count(d => d.IsError);
            if (!isPause && !LambdaArn().IsMatch(target))
            {
                diagnostics.Error(DiagnosticCodes.LifecycleHookInvalid, subject, $"{subject}: Include must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>) or PAUSE.");
            }

            var stages = SettingsValues.SplitList(item.Get("Stages")).Select(s => s.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
            if (stages.Count == 0)
            {
                diagnostics.Error(DiagnosticCodes.ItemMetadataMissing, subject, $"{subject} needs Stages: the lifecycle stages it runs at, separated by ';' ({string.Join(", ", HookStages)}).");
            }

            foreach (var stage in stages)
            {
                if (!HookStages.Contains(stage, StringComparer.Ordinal))
                {
                    diagnostics.Error(DiagnosticCodes.LifecycleHookInvalid, subject, $"{subject} has Stages '{stage}', which is not a lifecycle hook stage; use {string.Join(", ", HookStages)}.");
                }
                else if (isPause && StagesWithoutPause.Contains(stage, StringComparer.Ordinal))
                {
                    diagnostics.Error(DiagnosticCodes.LifecycleHookInvalid, subject,
                        $"{subject} at {stage}: ECS does not pause while it moves traffic; pause at {(stage == "TEST_TRAFFIC_SHIFT" ? "POST_TEST_TRAFFIC_SHIFT" : "PRE_PRODUCTION_TRAFFIC_SHIFT or POST_PRODUCTION_TRAFFIC_SHIFT")} instead.");
                }
            }

            var role = item.Get("RoleArn");
            if (!isPause && (role is null || !RoleArn().IsMatch(role)))
            {
                diagnostics.Error(DiagnosticCodes.LifecycleHookInvalid, subject,
                    role is null
                        ? $"{subject} needs RoleArn: the IAM role ECS assumes to invoke the function (lambda:InvokeFunction on it)."
                        : $"{subject} has RoleArn='{role}', which is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).");
            }

            var timeout = values.MetadataInt(item, subject, "TimeoutMinutes", 1, 20160);
            var action = item.Get("TimeoutAction");
            var canonicalAction = action is null ? null : Array.Find(TimeoutActions, a => string.Equals(a, action, StringComparison.OrdinalIgnoreCase));
            if (action is not null && canonicalAction is null)
            {
                diagnostics.Error(DiagnosticCodes.LifecycleHookInvalid, subject, $"{subject} has TimeoutAction='{action}'; use ROLLBACK or CONTINUE.");
            }

            var details = ReadDetails(item, subject, diagnostics);
            if (isPause && (role is not null || details is not null))
            {
                diagnostics.Warning(DiagnosticCodes.SettingNotForStrategy, subject, $"{subject}: RoleArn and Details are for Lambda hooks; a PAUSE hook ignores them.");
            }

            if (diagnostics.Count(d => d.IsError) == errors)
            {
                result.Add(new LifecycleHookSetting(isPause ? LifecycleHookSetting.Pause : target, stages, isPause ? null : role, timeout, canonicalAction, isPause ? null : details));
            }
        }

        return result;
    }

    private static JsonObject? ReadDetails(ItemInput item, string subject, DiagnosticCollection diagnostics)
    {
        if (!item.Metadata.TryGetValue("Details", out var text) || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }) is JsonObject details)
            {
                return details;
            }
        }
        catch (JsonException)
        {
        }

        diagnostics.Error(DiagnosticCodes.LifecycleHookInvalid, subject, $"{subject} has Details that are not a JSON object (e.g. {{\"threshold\": 5}}): {Shorten(text)}");
        return null;
    }

    private static VerificationSettings ReadVerification(SettingsValues values)
    {
        var input = values.Input;
        var diagnostics = values.Diagnostics;
        var urls = new List<Uri>();
        foreach (var text in SettingsValues.SplitList(input.Get(EcsProperties.VerifyUrl)))
        {
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                urls.Add(uri);
            }
            else
            {
                diagnostics.Error(DiagnosticCodes.VerifyUrlInvalid, EcsProperties.VerifyUrl, $"{EcsProperties.VerifyUrl}: '{text}' is not an absolute http or https URL (e.g. http://my-alb-123.us-east-1.elb.amazonaws.com:8080/health).");
            }
        }

        List<string> alarms = [.. values.UniqueItems(EcsProperties.VerifyAlarmItem).Select(item => item.Include)];

        var expected = StatusRange.Default;
        if (input.Get(EcsProperties.VerifyExpectedStatus) is { } statusText && !StatusRange.TryParse(statusText, out expected))
        {
            diagnostics.Error(DiagnosticCodes.ExpectedStatusInvalid, EcsProperties.VerifyExpectedStatus,
                $"{EcsProperties.VerifyExpectedStatus}='{statusText}' is not an HTTP status (100–599), a range or a list of them (e.g. 200, 200-299 or 200,204).");
        }

        var eachStepText = input.Get(EcsProperties.VerifyEachStep);
        var eachStep = false;
        if (eachStepText is not null && !bool.TryParse(eachStepText, out eachStep))
        {
            diagnostics.Error(DiagnosticCodes.InvalidBoolean, EcsProperties.VerifyEachStep, $"{EcsProperties.VerifyEachStep}='{eachStepText}' must be 'true' or 'false'.");
        }

        return new VerificationSettings
        {
            Urls = urls,
            Alarms = alarms,
            TimeoutSeconds = values.Int(EcsProperties.VerifyTimeoutSeconds, 5, 3600) ?? VerificationSettings.DefaultTimeoutSeconds,
            Successes = values.Int(EcsProperties.VerifySuccesses, 1, 100) ?? VerificationSettings.DefaultSuccesses,
            IntervalSeconds = values.Int(EcsProperties.VerifyIntervalSeconds, 1, 300) ?? VerificationSettings.DefaultIntervalSeconds,
            ExpectedStatus = expected,
            EachStep = eachStep,
        };
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
