namespace EcsBuildTasks.Core.Infrastructure;

/// <summary>
/// The commit checked out in a git work tree, read from <c>.git</c> directly (HEAD, loose refs, packed-refs): no git
/// executable needed, and cheap enough for every build. Worktrees and submodules (<c>.git</c> files) are followed.
/// </summary>
internal static class GitInfo
{
    /// <summary>The full commit id of HEAD, or null outside a git work tree.</summary>
    public static string? HeadCommit(string directory)
    {
        var gitDir = FindGitDirectory(directory);
        if (gitDir is null)
        {
            return null;
        }

        var head = ReadTrimmed(Path.Combine(gitDir, "HEAD"));
        if (head is null)
        {
            return null;
        }

        if (!head.StartsWith("ref:", StringComparison.Ordinal))
        {
            return IsCommitId(head) ? head : null;
        }

        var reference = head[4..].Trim();
        var commonDir = ReadTrimmed(Path.Combine(gitDir, "commondir")) is { } common ? Path.GetFullPath(Path.Combine(gitDir, common)) : gitDir;
        foreach (var root in new[] { gitDir, commonDir })
        {
            if (ReadTrimmed(Path.Combine(root, reference)) is { } loose && IsCommitId(loose))
            {
                return loose;
            }
        }

        var packed = Path.Combine(commonDir, "packed-refs");
        if (File.Exists(packed))
        {
            foreach (var line in File.ReadLines(packed))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && parts[1] == reference && IsCommitId(parts[0]))
                {
                    return parts[0];
                }
            }
        }

        return null;
    }

    /// <summary>The first 7 characters, as git shows them.</summary>
    public static string? ShortCommit(string directory) => HeadCommit(directory) is { } commit ? commit[..7] : null;

    private static string? FindGitDirectory(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".git");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }

            if (File.Exists(candidate) && ReadTrimmed(candidate) is { } pointer && pointer.StartsWith("gitdir:", StringComparison.Ordinal))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, pointer[7..].Trim()));
            }
        }

        return null;
    }

    private static string? ReadTrimmed(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsCommitId(string text) => text.Length is 40 or 64 && text.All(char.IsAsciiHexDigitLower);
}
