using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>Route 53 calls over rest-xml (method, path, query and an XML document), independent of our AWS clients.</summary>
internal sealed partial class AwsClient
{
    public static readonly XNamespace Route53Namespace = "https://route53.amazonaws.com/doc/2013-04-01/";

    /// <summary>Calls Route 53; returns the response document, or throws <see cref="AwsErrorException"/> with Route 53's error code.</summary>
    public async Task<RestXmlResponse> Route53Async(string operation, HttpMethod method, string pathAndQuery, XElement? body = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(Region, "route53", AccessKeyId));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToString(SaveOptions.DisableFormatting), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/xml");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var document = XDocument.Parse(text).Root!;
        if (!response.IsSuccessStatusCode)
        {
            Assert.AreEqual("ErrorResponse", document.Name.LocalName, text);
            var error = document.Element(Route53Namespace + "Error")!;
            throw new AwsErrorException(
                error.Element(Route53Namespace + "Code")!.Value,
                error.Element(Route53Namespace + "Message")!.Value,
                response.StatusCode,
                text);
        }

        Assert.AreEqual(Route53Namespace, document.Name.Namespace, "Route 53 answers in its namespace");
        Assert.IsTrue(response.Headers.Contains("x-amzn-RequestId"), "every response carries x-amzn-RequestId");
        Recorder?.AddRestXml("route53", operation, document);
        return new RestXmlResponse(document, response.StatusCode, response.Headers.Location?.ToString());
    }
}

internal sealed record RestXmlResponse(XElement Document, HttpStatusCode Status, string? Location);
