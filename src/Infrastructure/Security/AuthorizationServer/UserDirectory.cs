using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Template.Infrastructure.Security.AuthorizationServer;

/// <summary>A user the authorization server issues tokens for.</summary>
public sealed record ServiceUser(string Id, string? Name, string? Email, IReadOnlyList<string> Roles);

/// <summary>
/// Where the login page checks passwords and the token endpoint reloads users. The service ships the development
/// users from configuration; register your own implementation (ASP.NET Core Identity, a database) for Production.
/// </summary>
public interface IUserDirectory
{
    Task<ServiceUser?> FindByIdAsync(string id, CancellationToken cancellationToken);

    /// <summary>The user whose name and password these are, or null.</summary>
    Task<ServiceUser?> CheckPasswordAsync(string userName, string password, CancellationToken cancellationToken);
}

/// <summary>The users of <c>AuthorizationServer:Users</c> (development only; refused in Production).</summary>
internal sealed class ConfiguredUserDirectory(IOptionsMonitor<AuthorizationServerOptions> options) : IUserDirectory
{
    public Task<ServiceUser?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(options.CurrentValue.Users.FirstOrDefault(u => u.Id == id) is { } user ? ToUser(user) : null);

    public Task<ServiceUser?> CheckPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var user = options.CurrentValue.Users.FirstOrDefault(u => string.Equals(
            u.Id, userName, StringComparison.OrdinalIgnoreCase));
        // Compare in constant time, and against a dummy when the user is unknown, so timing does not tell which names
        // exist.
        var expected = Encoding.UTF8.GetBytes(user?.Password ?? "\0unknown-user\0");
        var matches = CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(password));
        return Task.FromResult(user is not null && matches ? ToUser(user) : null);
    }

    private static ServiceUser ToUser(DevelopmentUser user) =>
        new(user.Id, user.Name ?? user.Id, user.Email, [.. user.Roles]);
}
