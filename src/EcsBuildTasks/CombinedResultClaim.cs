using System.Security.Cryptography;
using System.Text;

namespace EcsBuildTasks;

/// <summary>
/// Which project of a solution publish writes the combined result: the first to claim the publish. A publish is named
/// by its projects' descriptions (each project is described once per build, at a time of its own), so every project of
/// one publish names it alike and the next publish differently. The claim is a file created exclusively in the temporary
/// folder, named after the result file and the publish; creating it fails for everyone but the first.
/// </summary>
internal static class CombinedResultClaim
{
    /// <param name="resultFile">The combined result file (<c>EcsSolutionResultFile</c>).</param>
    /// <param name="descriptions">Every deploying project of the publish and when it was described.</param>
    /// <returns>True for the first caller of a publish, false for the others.</returns>
    public static bool TryClaim(string resultFile, IEnumerable<(string ProjectFile, string DescribedAt)> descriptions)
    {
        var folder = Path.Combine(Path.GetTempPath(), "ecsbuildtasks-combined");
        Directory.CreateDirectory(folder);
        var prefix = Hash(Path.GetFullPath(resultFile));
        var publish = Hash(string.Join("\n", descriptions.Select(d => $"{Path.GetFullPath(d.ProjectFile)}|{d.DescribedAt}").Order(StringComparer.Ordinal)));
        var claim = Path.Combine(folder, $"{prefix}-{publish}.claim");
        try
        {
            using (new FileStream(claim, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
            }
        }
        catch (IOException) when (File.Exists(claim))
        {
            return false;
        }

        // Claims of earlier publishes of this solution are no longer needed; a recent one may be another publish's still
        // going on (two pipelines publishing the same checkout), so only those older than a day go.
        foreach (var earlier in Directory.EnumerateFiles(folder, prefix + "-*.claim").Where(f => File.GetLastWriteTimeUtc(f) < DateTime.UtcNow.AddDays(-1)))
        {
            try
            {
                File.Delete(earlier);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return true;
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);
}
