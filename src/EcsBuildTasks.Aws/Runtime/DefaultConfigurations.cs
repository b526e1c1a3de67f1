using System.Collections.ObjectModel;
using Amazon.Runtime;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// The SDK's defaults modes (the same values every generated AWSSDK v4 package ships). All five must be present:
/// <c>AWS_DEFAULTS_MODE</c> or a profile's <c>defaults_mode</c> may select any of them.
/// </summary>
internal static class DefaultConfigurations
{
    public static ReadOnlyCollection<IDefaultConfiguration> All { get; } = new(
    [
        Create(DefaultConfigurationMode.Standard, 3100),
        Create(DefaultConfigurationMode.InRegion, 1100),
        Create(DefaultConfigurationMode.CrossRegion, 3100),
        Create(DefaultConfigurationMode.Mobile, 30000),
        Create(DefaultConfigurationMode.Auto, 1100),
    ]);

    private static DefaultConfiguration Create(DefaultConfigurationMode mode, int connectMilliseconds) => new()
    {
        Name = mode,
        RetryMode = RequestRetryMode.Standard,
        S3UsEast1RegionalEndpoint = S3UsEast1RegionalEndpointValue.Regional,
        ConnectTimeout = TimeSpan.FromMilliseconds(connectMilliseconds),
        TlsNegotiationTimeout = TimeSpan.FromMilliseconds(connectMilliseconds),
        TimeToFirstByteTimeout = null,
        HttpRequestTimeout = null,
    };
}
