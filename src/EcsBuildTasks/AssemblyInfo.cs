[assembly: System.CLSCompliant(false)]

// The tests of the terminal display (TerminalProgress, LiveStatusLine) reach its internals.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("EcsBuildTasks.Tests")]
