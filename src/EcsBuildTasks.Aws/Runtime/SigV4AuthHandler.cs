using Amazon.Runtime;
using Amazon.Runtime.Credentials.Internal;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;

namespace EcsBuildTasks.Aws.Runtime;

/// <summary>
/// Every service we call signs with SigV4. AWSSDK.Core v4 requires an auth resolver in the pipeline: it picks the
/// signer and resolves the identity (explicit credentials, else the default chain) before the Signer runs.
/// </summary>
internal sealed class SigV4AuthHandler : BaseAuthResolverHandler
{
    protected override List<IAuthSchemeOption> ResolveAuthOptions(IExecutionContext executionContext) => AuthSchemeOption.DEFAULT_SIGV4;
}
