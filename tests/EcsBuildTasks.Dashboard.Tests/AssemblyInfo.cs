// Each test class owns its LocalEcs; browser tests share one Chromium (a new context each), so classes run in parallel.
[assembly: Parallelize(Scope = ExecutionScope.ClassLevel)]
