namespace EcsBuildTasks.Core.Diagnostics;

internal static partial class DiagnosticCodes
{
    // ECS4200–ECS4219: DnsBlueGreen settings, checked before anything runs.
    public static readonly DiagnosticDescriptor DnsRecordNameInvalid = new("ECS4200", "EcsDnsRecordName is missing or not a DNS name");
    public static readonly DiagnosticDescriptor DnsHostedZoneMissing = new("ECS4201", "EcsDnsHostedZone is missing or is neither a hosted zone id nor a zone name");
    public static readonly DiagnosticDescriptor DnsWeightStepsInvalid = new("ECS4202", "EcsDnsWeightSteps are not rising percentages ending at 100");
    public static readonly DiagnosticDescriptor DnsTtlInvalid = new("ECS4203", "EcsDnsTtl is not a number of seconds from 0 to 86400");
    public static readonly DiagnosticDescriptor DnsNeedsCloudMapNamespace = new("ECS4204", "DnsBlueGreen needs a Cloud Map namespace (EcsServiceDiscoveryNamespace) for its two Cloud Map services");
    public static readonly DiagnosticDescriptor DnsCloudMapServicesInvalid = new("ECS4205", "EcsDnsCloudMapServices must name two different Cloud Map services");

    // ECS4220–ECS4239: preflight of the hosted zone and the record (read-only).
    public static readonly DiagnosticDescriptor DnsHostedZoneNotFound = new("ECS4220", "The hosted zone EcsDnsHostedZone names does not exist or is ambiguous");
    public static readonly DiagnosticDescriptor DnsRecordOutsideZone = new("ECS4221", "EcsDnsRecordName is not a name inside the hosted zone (or is its apex)");
    public static readonly DiagnosticDescriptor DnsZoneManagedByCloudMap = new("ECS4222", "EcsDnsHostedZone is the zone Cloud Map manages for a namespace");
    public static readonly DiagnosticDescriptor DnsRecordNotWeighted = new("ECS4223", "EcsDnsRecordName already has records the package does not manage (not weighted, another type, or more than a pair of weighted CNAME entries)");
    public static readonly DiagnosticDescriptor DnsEntriesPointElsewhere = new("ECS4224", "The record's two weighted entries (e.g. Harness's) point at Cloud Map services other than the ones DnsBlueGreen deploys to");
    public static readonly DiagnosticDescriptor DnsEntryWithoutVersion = new("ECS4225", "A weighted entry taken over (e.g. Harness's) sends traffic to a Cloud Map service where no version of EcsServiceName runs");

    // ECS4240–ECS4259: the deployment.
    public static readonly DiagnosticDescriptor DnsChangeNotInSync = new("ECS4240", "A Route 53 change of the weighted records did not become INSYNC");
}
