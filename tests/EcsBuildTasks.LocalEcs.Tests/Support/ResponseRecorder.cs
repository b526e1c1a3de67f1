using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace EcsBuildTasks.LocalEcs.Tests.Support;

/// <summary>Collects every JSON response a test's client receives, for conformance checks afterwards.</summary>
internal sealed class ResponseRecorder
{
    private readonly Lock gate = new();

    public List<(string Service, string Operation, JsonNode Response)> Json { get; } = [];

    public List<(string Service, string Operation, XElement Response)> Xml { get; } = [];

    /// <summary>rest-xml responses (Route 53): the document's root element, members directly inside.</summary>
    public List<(string Service, string Operation, XElement Response)> RestXml { get; } = [];

    public void Add(string service, string operation, JsonNode response)
    {
        lock (gate)
        {
            Json.Add((service, operation, response.DeepClone()));
        }
    }

    public void Add(string service, string operation, XElement response)
    {
        lock (gate)
        {
            Xml.Add((service, operation, new XElement(response)));
        }
    }

    public void AddRestXml(string service, string operation, XElement response)
    {
        lock (gate)
        {
            RestXml.Add((service, operation, new XElement(response)));
        }
    }
}
