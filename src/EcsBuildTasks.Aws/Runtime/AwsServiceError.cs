using System.Net;
using Amazon.Runtime;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>A parsed service error, before it becomes the service's typed exception.</summary>
internal sealed record AwsServiceError(string? Code, string Message, ErrorType Type, string? RequestId, HttpStatusCode StatusCode, Exception? InnerException);
