using EcsBuildTasks.Core.Features.IamPolicy;

namespace EcsBuildTasks.Core.Strategies.InPlace;

internal abstract partial class InPlaceStrategy
{
    /// <summary>The one service updated in place and its service deployments, and the features around it (<see cref="ServiceStatements.InPlace"/>).</summary>
    public virtual IEnumerable<PolicyStatement> IamStatements(IamScope scope) => ServiceStatements.InPlace(scope);
}
