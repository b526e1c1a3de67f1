namespace EcsBuildTasks.Core.Definitions;

/// <summary>
/// A part of the engine that adds to the generated definitions: the deployment strategy, and each feature (service
/// discovery, Service Connect, auto scaling, one-off tasks). The generator builds the task and service definitions from
/// the settings and templates, then lets every contributor shape them, then validates the whole and lets every
/// contributor validate its part; the plan lists each contributor's lines. Contributors never call each other.
/// </summary>
internal interface IDefinitionContributor
{
    /// <summary>Writes this part into the definitions (they are built from the settings and templates already).</summary>
    void Shape(GeneratedDefinitions definitions);

    /// <summary>Checks this part before anything is built or changed; each finding names the property or item to fix.</summary>
    void Validate(GeneratedDefinitions definitions, Diagnostics.DiagnosticCollection diagnostics);

    /// <summary>The plan's lines for this part (none when it has nothing to say).</summary>
    IEnumerable<string> PlanLines(GeneratedDefinitions definitions);
}

/// <summary>
/// The deployment strategy as the definitions see it: its name, and what it writes into and checks on the service
/// definition. Everything else a strategy does (preflight, apply, monitor, roll back, report, status) is on
/// <c>Strategies.IDeploymentStrategy</c>, which extends this; the definitions keep the strategy by this face so that
/// this layer stays below the strategies.
/// </summary>
internal interface IStrategyDefinitions : IDefinitionContributor
{
    /// <summary>The canonical <c>EcsDeploymentStrategy</c> value (<c>Rolling</c>, <c>Canary</c>, ...).</summary>
    string Name { get; }

    /// <summary>
    /// Whether the strategy deploys the generated service definition (an ECS service the package creates and updates);
    /// false for one that deploys something else from the task definition (an Express service, a managed daemon), whose
    /// plan lines then say what it deploys instead of the service definition's.
    /// </summary>
    bool DeploysServiceDefinition => true;

    /// <summary>
    /// Whether the package configures Application Auto Scaling for what the strategy deploys (the scalable target and
    /// policies of the auto scaling properties, suspended while a deployment runs); false when ECS manages the scaling
    /// itself (an Express service's scaling target) or there is none (a managed daemon). Then the strategy validates
    /// the scaling properties itself, and the auto scaling feature neither checks nor touches the scalable target.
    /// </summary>
    bool ConfiguresAutoScaling => true;

    /// <summary>
    /// Whether the strategy records the image it deployed on the service (<c>ecsbuildtasks:image-fingerprint</c> and
    /// <c>-digest</c> tags) because the task definitions it runs are ECS's, without the package's tags (an Express
    /// service's primary container): the preparation then looks there for an unchanged image to deploy again.
    /// </summary>
    bool RecordsImageOnService => false;

    /// <summary>
    /// Whether what the strategy deploys is one ECS service and its task definition revision, nothing else: after a
    /// successful deployment the service is tagged with a digest of the inputs it was deployed from
    /// (<c>ecsbuildtasks:deployed-inputs</c>), so that a publish of the same inputs can confirm it up to date with a few
    /// reads instead of the preflight and the deployment (<c>Features/EcsServices/DeployedInputs</c>).
    /// </summary>
    bool RecordsDeployedInputs => false;
}
