namespace Template.Infrastructure.Areas;

/// <summary>
/// A use case's HTTP surface. Every non-abstract implementation in the service assembly is found at start-up and
/// mapped by <see cref="EndpointRegistration.MapRegisteredEndpoints"/>, so Program.cs never lists endpoints.
/// </summary>
public interface IEndpoint
{
    /// <summary>Maps the routes of one use case: on the app, or on its area's group (<see
    /// cref="IEndpoint{TGroup}"/>).</summary>
    static abstract void Map(IEndpointRouteBuilder app);
}

/// <summary>An endpoint mapped inside its area's route group, which its <c>Map</c> receives as its builder.</summary>
public interface IEndpoint<TGroup> : IEndpoint
    where TGroup : IEndpointGroup;

/// <summary>An area's route group: the prefix, tag and authorization its use cases share, written once.</summary>
public interface IEndpointGroup
{
    static abstract RouteGroupBuilder Map(IEndpointRouteBuilder app);
}
