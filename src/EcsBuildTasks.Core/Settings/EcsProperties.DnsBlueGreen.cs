namespace EcsBuildTasks.Core.Settings;

internal static partial class EcsProperties
{
    public const string DnsRecordName = "EcsDnsRecordName";
    public const string DnsHostedZone = "EcsDnsHostedZone";
    public const string DnsTtl = "EcsDnsTtl";
    public const string DnsWeightSteps = "EcsDnsWeightSteps";
    public const string DnsCloudMapServices = "EcsDnsCloudMapServices";

    /// <summary>Blue/green by Route 53 weighted DNS (DnsBlueGreen).</summary>
    private static SettingInfo[] DnsBlueGreenProperties =>
    [
        P(DnsRecordName, "DnsBlueGreen: the name clients call (e.g. `orders.example.com`): a CNAME with two weighted entries (set identifiers `Blue` and `Green`), one per Cloud Map service; an existing pair of another tool (Harness's `Harness-Blue`/`Harness-Green`) is taken over with its own set identifiers.", "none (required)"),
        P(DnsHostedZone, "DnsBlueGreen: the Route 53 hosted zone of `EcsDnsRecordName`, by id (`Z…`) or name; not the zone Cloud Map manages for the namespace.", "none (required)"),
        P(DnsTtl, "DnsBlueGreen: TTL of the weighted records in seconds (0–86400); each step waits for the change to be INSYNC and one TTL more.", "`60`"),
        P(DnsWeightSteps, "DnsBlueGreen: the new version's weights in percent, `;`-separated, rising, ending at `100` (e.g. `10;50;100`); the gate (`EcsVerifyUrl`, `EcsVerifyAlarm`) runs after each.", "`100`"),
        P(DnsCloudMapServices, "DnsBlueGreen: the two Cloud Map services (in `EcsServiceDiscoveryNamespace`) the versions take turns in, `;`-separated; created when missing. Unset while the record holds another tool's pair: the services its entries point at.", "`<EcsServiceName>-blue;<EcsServiceName>-green`"),
    ];
}
