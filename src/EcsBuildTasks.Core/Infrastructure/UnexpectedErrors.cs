using EcsBuildTasks.Core.Diagnostics;

namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>
/// No exception leaves the engine uncoded: anything that is neither a <see cref="DeploymentException"/> nor the build's
/// cancellation becomes ECS9001, naming the step, the exception and what to check, instead of MSBuild's MSB4018 and a
/// stack trace. Used by the deployer's steps and by every MSBuild task around its work.
/// </summary>
internal static class UnexpectedErrors
{
    public static async Task<T> CodedAsync<T>(string step, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnexpected(ex))
        {
            throw Coded(step, ex);
        }
    }

    /// <summary>False for what is already coded or is the build's own cancellation.</summary>
    public static bool IsUnexpected(Exception ex) => ex is not (DeploymentException or OperationCanceledException);

    /// <param name="step">What the build was doing, e.g. <c>deploying orders</c>.</param>
    /// <param name="subject">What the user looks at first: the project file, or the property or file the step read.</param>
    public static DeploymentException Coded(string step, Exception ex, string subject = "build")
    {
        ArgumentNullException.ThrowIfNull(ex);
        var where = ex.TargetSite is { DeclaringType: { } type } site ? $" in {type.Name}.{site.Name}" : string.Empty;
        return new DeploymentException(
            DiagnosticCodes.Internal,
            subject,
            $"EcsBuildTasks failed unexpectedly while {step}: {ex.GetType().Name}: {ex.Message}{where}. Nothing after this point ran; if it happened after the service changed, check where it stands with dotnet msbuild -t:EcsStatus. This is a bug in EcsBuildTasks: run the build again with -v:d and report the detailed log.",
            ex);
    }
}
