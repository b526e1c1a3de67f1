using System.Xml;
using System.Xml.Linq;
using EcsBuildTasks.LocalEcs.Hosting;

namespace EcsBuildTasks.LocalEcs.Protocols;

/// <summary>
/// Reads XML request bodies (Route 53's rest-xml, and any XML sent to a Query endpoint) safely: no DTDs (so no entity expansion, no external entities), nesting
/// at most <see cref="RequestLimits.MaxDepth"/>, well-formed UTF-8 (or the encoding the document declares). The router
/// checks every XML body this way before routing and before authentication, whichever service it is for.
/// </summary>
internal static class XmlRequestReader
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    /// <summary>Throws a SerializationException-coded <see cref="AwsServiceException"/> when the body is not acceptable XML.</summary>
    public static void Check(byte[] body) => Check(body, "SerializationException", "Malformed XML request: ");

    /// <summary>
    /// Checks the body (see <see cref="Check(byte[])"/>), then loads it; a body that is not acceptable XML is answered
    /// with the service's own error (<paramref name="errorCode"/>, the message after <paramref name="messagePrefix"/>).
    /// </summary>
    public static XDocument Parse(byte[] body, string errorCode = "SerializationException", string messagePrefix = "Malformed XML request: ")
    {
        Check(body, errorCode, messagePrefix);
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body, writable: false), Settings);
            return XDocument.Load(reader);
        }
        catch (Exception e) when (e is XmlException or System.Text.DecoderFallbackException)
        {
            throw new AwsServiceException(errorCode, messagePrefix + e.Message);
        }
    }

    private static void Check(byte[] body, string errorCode, string messagePrefix)
    {
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body, writable: false), Settings);
            while (reader.Read())
            {
                if (reader.Depth >= RequestLimits.MaxDepth)
                {
                    throw new AwsServiceException(errorCode, $"{messagePrefix}nested deeper than {RequestLimits.MaxDepth} levels.");
                }
            }
        }
        catch (Exception e) when (e is XmlException or System.Text.DecoderFallbackException)
        {
            throw new AwsServiceException(errorCode, messagePrefix + e.Message);
        }
    }

    /// <summary>Whether a request's content type says XML.</summary>
    public static bool IsXml(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/xml", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("text/xml", StringComparison.OrdinalIgnoreCase));
}
