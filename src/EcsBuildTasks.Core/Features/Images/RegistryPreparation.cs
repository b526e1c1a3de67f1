using System.Globalization;
using System.Text;
using EcsBuildTasks.Aws.ECR.Model;
using EcsBuildTasks.Core.Diagnostics;
using EcsBuildTasks.Core.Infrastructure;
using EcsBuildTasks.Core.Settings;

namespace EcsBuildTasks.Core.Features.Images;

/// <summary>
/// Credentials for the image push. <see cref="ToString"/> never shows the password: it may end up in a log line
/// through string interpolation.
/// </summary>
internal sealed class RegistryCredentials(string registry, string userName, string password)
{
    /// <summary>The registry host (and port) the SDK pushes to, e.g. <c>123456789012.dkr.ecr.eu-west-1.amazonaws.com</c>.</summary>
    public string Registry { get; } = registry;

    public string UserName { get; } = userName;

    public string Password { get; } = password;

    public override string ToString() => $"{UserName}@{Registry} (token hidden)";
}

/// <summary>The repository the image goes to.</summary>
internal sealed record PreparedRegistry(string Registry, string RepositoryName, string RepositoryUri, bool Created)
{
    /// <summary>The project named the registry (<c>ContainerRegistry</c>) instead of the one the endpoint's ECR reported.</summary>
    public bool NamedByProject { get; init; }
}

/// <summary>
/// Makes sure the ECR repository exists (creating it with scan on push, optional tag immutability and lifecycle policy
/// when allowed), and fetches an authorization token when there is something to push.
/// </summary>
internal sealed class RegistryPreparation(AwsSession aws, IDeploymentLog log)
{
    /// <param name="name">The repository the image goes to.</param>
    /// <param name="existing">The repository, when the preflight found it; null creates it.</param>
    public async Task<PreparedRegistry> PrepareAsync(string name, Repository? existing, EcsSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(settings);
        var repository = existing;
        var created = false;
        if (repository is null)
        {
            repository = await CreateAsync(name, settings, cancellationToken).ConfigureAwait(false);
            created = true;
        }

        if (settings.EcrKeepImages is { } keep)
        {
            await EnsureLifecyclePolicyAsync(name, keep, cancellationToken).ConfigureAwait(false);
        }

        var uri = repository.RepositoryUri ?? throw new DeploymentException(DiagnosticCodes.AwsRequestFailed, "ECR DescribeRepositories", $"ECR returned no URI for the repository {name}.");
        return ForEndpoint(new PreparedRegistry(RegistryHost(uri)!, name, uri, created), settings);
    }

    /// <summary>
    /// With a custom endpoint that is not AWS (LocalEcs elsewhere, moto, a proxy), the registry must come from that
    /// endpoint: LocalEcs's ECR reports its own registry (kept as is); an ECR that reports a registry on AWS's hosts
    /// (moto does) would send the push to the real AWS account, so the project names the registry
    /// (<c>ContainerRegistry</c>) or the build refuses (ECS3012). An endpoint on AWS's own domain (a VPC endpoint) keeps
    /// ECR's registry: that is where its images go.
    /// </summary>
    private PreparedRegistry ForEndpoint(PreparedRegistry reported, EcsSettings settings)
    {
        if (aws.Factory.Settings.EndpointUrl is not { } endpoint || IsAwsHost(new Uri(endpoint).Host) || !IsAwsHost(reported.Registry.Split(':')[0]))
        {
            return reported;
        }

        if (settings.ContainerRegistry is { Length: > 0 } named && !IsAwsHost(named.Split('/')[0].Split(':')[0]))
        {
            log.Info($"EcsBuildTasks: the ECR of {endpoint} reports the registry {reported.Registry}, which is AWS's; pushing to {EcsProperties.SdkContainerRegistry}={named} instead");
            return reported with { Registry = named, RepositoryUri = $"{named}/{reported.RepositoryName}", NamedByProject = true };
        }

        throw new DeploymentException(DiagnosticCodes.RegistryNotOfEndpoint, EcsProperties.SdkContainerRegistry,
            $"{EcsProperties.EndpointUrl}={endpoint} is not AWS, but its ECR reports the repository {reported.RepositoryUri} on AWS's registry {reported.Registry}: the image would be pushed to the real AWS account. Name the registry this endpoint's images go to with {EcsProperties.SdkContainerRegistry} (e.g. <ContainerRegistry>localhost:5000</ContainerRegistry>), or use LocalEcs (EcsTarget=local), whose ECR reports its own registry.");
    }

    private static bool IsAwsHost(string host) =>
        host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".amazonaws.com.cn", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".api.aws", StringComparison.OrdinalIgnoreCase);

    /// <summary>A lifecycle policy that expires all but the newest <paramref name="keep"/> images.</summary>
    public static string LifecyclePolicy(int keep) => string.Create(CultureInfo.InvariantCulture,
        $$$"""{"rules":[{"rulePriority":1,"description":"Keep the newest {{{keep}}} images (EcsEcrKeepImages)","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":{{{keep}}}},"action":{"type":"expire"}}]}""");

    private async Task<Repository> CreateAsync(string name, EcsSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var response = await AwsCalls.RunAsync("ECR CreateRepository", () => aws.Ecr.CreateRepositoryAsync(new CreateRepositoryRequest
            {
                RepositoryName = name,
                ImageScanningConfiguration = new ImageScanningConfiguration { ScanOnPush = settings.EcrScanOnPush },
                ImageTagMutability = settings.EcrTagImmutability ? "IMMUTABLE" : "MUTABLE",
                Tags = [new Tag { Key = "created-by", Value = "EcsBuildTasks" }],
            }, cancellationToken)).ConfigureAwait(false);
            var repository = response.Repository ?? throw new DeploymentException(DiagnosticCodes.AwsRequestFailed, "ECR CreateRepository", "ECR CreateRepository returned no repository.");
            log.Info($"EcsBuildTasks: created ECR repository {repository.RepositoryUri} (scan on push {(settings.EcrScanOnPush ? "on" : "off")}, tags {(settings.EcrTagImmutability ? "immutable" : "mutable")})");
            return repository;
        }
        catch (DeploymentException ex) when (ex.InnerException is RepositoryAlreadyExistsException)
        {
            // Created concurrently (another project of the same solution publishing in parallel).
            var response = await AwsCalls.RunAsync("ECR DescribeRepositories", () => aws.Ecr.DescribeRepositoriesAsync(new DescribeRepositoriesRequest { RepositoryNames = [name] }, cancellationToken)).ConfigureAwait(false);
            return response.Repositories?.FirstOrDefault() ?? throw new DeploymentException(DiagnosticCodes.AwsRequestFailed, "ECR DescribeRepositories", $"ECR reported the repository {name} as existing but does not describe it.");
        }
    }

    private async Task EnsureLifecyclePolicyAsync(string name, int keep, CancellationToken cancellationToken)
    {
        var wanted = LifecyclePolicy(keep);
        try
        {
            var current = await AwsCalls.RunAsync("ECR GetLifecyclePolicy", () => aws.Ecr.GetLifecyclePolicyAsync(new GetLifecyclePolicyRequest { RepositoryName = name }, cancellationToken)).ConfigureAwait(false);
            if (string.Equals(current.LifecyclePolicyText, wanted, StringComparison.Ordinal))
            {
                return;
            }
        }
        catch (DeploymentException ex) when (ex.InnerException is LifecyclePolicyNotFoundException)
        {
        }

        await AwsCalls.RunAsync("ECR PutLifecyclePolicy", () => aws.Ecr.PutLifecyclePolicyAsync(new PutLifecyclePolicyRequest { RepositoryName = name, LifecyclePolicyText = wanted }, cancellationToken)).ConfigureAwait(false);
        log.Info($"EcsBuildTasks: ECR repository {name} keeps the newest {keep} images ({EcsProperties.EcrKeepImages})");
    }

    /// <summary>An ECR authorization token for pushing to <paramref name="registry"/>'s registry.</summary>
    public async Task<RegistryCredentials> AuthorizeAsync(PreparedRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var response = await AwsCalls.RunAsync("ECR GetAuthorizationToken", () => aws.Ecr.GetAuthorizationTokenAsync(new GetAuthorizationTokenRequest(), cancellationToken)).ConfigureAwait(false);
        var data = response.AuthorizationData?.FirstOrDefault();
        string decoded;
        try
        {
            decoded = data?.AuthorizationToken is { } token ? Encoding.UTF8.GetString(Convert.FromBase64String(token)) : string.Empty;
        }
        catch (FormatException)
        {
            decoded = string.Empty;
        }

        var separator = decoded.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0)
        {
            // Never echo the token, not even a malformed one.
            throw new DeploymentException(DiagnosticCodes.RegistryAuthorizationFailed, "ECR GetAuthorizationToken", "ECR GetAuthorizationToken returned no usable token (expected base64 'user:password').");
        }

        var host = registry.NamedByProject ? registry.Registry : RegistryHost(data!.ProxyEndpoint) ?? registry.Registry;
        return new RegistryCredentials(host, decoded[..separator], decoded[(separator + 1)..]);
    }

    /// <summary>"https://123.dkr.ecr.eu-west-1.amazonaws.com" or "123.dkr.ecr.../repo" → "123.dkr.ecr...".</summary>
    public static string? RegistryHost(string? endpointOrUri)
    {
        if (string.IsNullOrEmpty(endpointOrUri))
        {
            return null;
        }

        var text = endpointOrUri;
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? text[..slash] : text;
    }
}
