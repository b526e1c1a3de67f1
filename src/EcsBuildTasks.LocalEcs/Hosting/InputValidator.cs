using System.Text.Json.Nodes;

namespace EcsBuildTasks.LocalEcs.Hosting;

/// <summary>
/// Checks every AWS request's input before its handler runs, for every service alike, so that a service added later is
/// checked without work: page sizes and pagination tokens (<see cref="Pagination"/>), enum values and timestamps against
/// the models (<see cref="ModelEnums"/>), and the form of ARNs (<see cref="ArnCheck"/>).
/// </summary>
internal static class InputValidator
{
    public static void Validate(string service, string operation, JsonObject input, bool jsonProtocol)
    {
        Pagination.Validate(service, operation, input, jsonProtocol);
        ModelEnums.Validate(service, operation, input, jsonProtocol);
        ArnCheck.Validate(service, input, jsonProtocol);
    }

    /// <summary>
    /// Exceptions a handler throws when a request value cannot be used as the type it needs: a number past what a
    /// timestamp or an int can hold, a string where a number belongs. They answer 400 with the service's validation
    /// error; anything else a handler throws is LocalEcs's bug (500).
    /// </summary>
    public static bool IsInputValueError(Exception e) =>
        e is FormatException or OverflowException or ArgumentOutOfRangeException
        || (e is InvalidOperationException && e.Source == "System.Text.Json");
}
