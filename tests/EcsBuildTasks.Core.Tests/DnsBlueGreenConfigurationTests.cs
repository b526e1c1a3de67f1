using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Tests;

/// <summary>DnsBlueGreen's settings that are refused before anything in AWS changes, one per code (ECS4200–ECS4205).</summary>
[TestClass]
public sealed class DnsBlueGreenConfigurationTests
{
    [TestMethod]
    public void A_missing_or_malformed_record_name_is_refused()
    {
        TestInputs.AssertRejected(Dns().Set(EcsProperties.DnsRecordName, null), "no record name", "ECS4200", "EcsDnsRecordName");
        TestInputs.AssertRejected(Dns().Set(EcsProperties.DnsRecordName, "orders service.example.com"), "a space", "ECS4200", "EcsDnsRecordName");
    }

    [TestMethod]
    public void A_missing_hosted_zone_is_refused() =>
        TestInputs.AssertRejected(Dns().Set(EcsProperties.DnsHostedZone, null), "no zone", "ECS4201", "EcsDnsHostedZone");

    [TestMethod]
    public void Weight_steps_that_do_not_rise_to_100_are_refused()
    {
        TestInputs.AssertRejected(Dns().Set(EcsProperties.DnsWeightSteps, "10;50"), "ends at 50", "ECS4202", "EcsDnsWeightSteps");
        TestInputs.AssertRejected(Dns().Set(EcsProperties.DnsWeightSteps, "50;10;100"), "goes down", "ECS4202", "EcsDnsWeightSteps");
        TestInputs.AssertRejected(Dns().Set(EcsProperties.DnsWeightSteps, "0;100"), "zero step", "ECS4202", "EcsDnsWeightSteps");
    }

    [TestMethod]
    public void A_ttl_out_of_range_is_refused() =>
        TestInputs.AssertRejected(Dns().Set(EcsProperties.DnsTtl, "90000"), "TTL above a day", "ECS4203", "EcsDnsTtl");

    [TestMethod]
    public void DnsBlueGreen_without_a_Cloud_Map_namespace_is_refused() =>
        TestInputs.AssertRejected(Dns().Set("EcsServiceDiscoveryNamespace", null), "no namespace", "ECS4204", "EcsServiceDiscoveryNamespace");

    [TestMethod]
    public void Cloud_Map_services_that_are_not_two_different_names_are_refused()
    {
        TestInputs.AssertRejected(Dns().Set(EcsProperties.DnsCloudMapServices, "orders;orders"), "same twice", "ECS4205", "EcsDnsCloudMapServices");
        TestInputs.AssertRejected(Dns().Set(EcsProperties.DnsCloudMapServices, "orders-a"), "only one", "ECS4205", "EcsDnsCloudMapServices");
    }

    internal static SettingsInput Dns() => TestInputs.ValidFargate()
        .Set("EcsDeploymentStrategy", "DnsBlueGreen")
        .Set("EcsServiceDiscoveryNamespace", "orders.local")
        .Set(EcsProperties.DnsRecordName, "orders.example.internal")
        .Set(EcsProperties.DnsHostedZone, "example.internal");
}
