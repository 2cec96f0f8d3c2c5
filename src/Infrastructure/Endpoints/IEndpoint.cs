namespace Template.Infrastructure.Endpoints;

/// <summary>
/// A use case's HTTP surface. Every non-abstract implementation in the service assembly is
/// found at start-up and mapped by <see cref="EndpointRegistration.MapRegisteredEndpoints"/>,
/// so Program.cs never lists endpoints by hand.
/// </summary>
public interface IEndpoint
{
    /// <summary>Maps the routes of one use case.</summary>
    static abstract void Map(IEndpointRouteBuilder app);
}
