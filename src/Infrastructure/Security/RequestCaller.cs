using System.Security.Claims;
using Template.Infrastructure.Jobs;

namespace Template.Infrastructure.Security;

/// <summary>Who is making the current request. Handlers use it for ownership; behaviors for authorization.</summary>
public interface IRequestCaller
{
    ClaimsPrincipal Principal { get; }

    /// <summary>The stable subject id (<c>sub</c>), or null for an anonymous caller.</summary>
    string? Id { get; }

    /// <summary>The subject id, or 401 when the caller is anonymous.</summary>
    string RequiredId { get; }
}

/// <summary>The caller of the current HTTP request, or the principal a job scope runs as.</summary>
public sealed class HttpRequestCaller(IHttpContextAccessor accessor, ScopeCaller scope) : IRequestCaller
{
    private static readonly ClaimsPrincipal Anonymous = new(new ClaimsIdentity());

    public ClaimsPrincipal Principal => scope.Principal ?? accessor.HttpContext?.User ?? Anonymous;

    public string? Id => Principal.Identity?.IsAuthenticated == true ? Principal.SubjectId() : null;

    public string RequiredId => Id ?? throw new Errors.UnauthenticatedException();
}

public static class PrincipalClaims
{
    /// <summary>The stable subject id: <c>sub</c>, or the name identifier of schemes that map claims.</summary>
    public static string? SubjectId(this ClaimsPrincipal principal)
    {
        return principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
    }
}
