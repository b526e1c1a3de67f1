using System.Net;

namespace EcsBuildTasks.LocalEcs.Protocols;

/// <summary>
/// An error as AWS reports it: a code from the service's model (e.g. <c>ClusterNotFoundException</c>), a message, the
/// HTTP status and whether the caller (Sender) or the service (Receiver) is at fault. Each protocol writes it in its own
/// envelope.
/// </summary>
internal sealed class AwsServiceException : Exception
{
    public AwsServiceException(string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest)
        : base(message)
    {
        Code = code;
        Status = status;
    }

    public AwsServiceException()
        : this("InternalFailure", "Internal failure")
    {
    }

    public AwsServiceException(string message)
        : this("InternalFailure", message)
    {
    }

    public AwsServiceException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "InternalFailure";
        Status = HttpStatusCode.InternalServerError;
    }

    public string Code { get; }

    public HttpStatusCode Status { get; }

    /// <summary>The separate messages of an error that lists them (Route 53's InvalidChangeBatch), if any.</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>Query protocols report who is at fault: 5xx are the service's (Receiver), the rest the caller's.</summary>
    public string FaultType => (int)Status >= 500 ? "Receiver" : "Sender";
}
