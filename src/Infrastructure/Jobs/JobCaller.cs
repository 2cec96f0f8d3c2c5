using System.Reflection;
using System.Security.Claims;

namespace Template.Infrastructure.Jobs;

/// <summary>
/// Declares the abilities a command has when it runs as a job. A job runs as the system principal with exactly
/// these abilities (<see cref="ScopeCaller.AbilityClaim"/> claims) and nothing else: no user, no role.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class JobAbilitiesAttribute(params string[] abilities) : Attribute
{
    public IReadOnlyList<string> Abilities { get; } = abilities;
}

/// <summary>Who the current scope acts for when it is not an HTTP request (a job); set once per job scope.</summary>
public sealed class ScopeCaller
{
    public const string SystemSubject = "system:jobs";

    /// <summary>The claim type that grants one ability outright; the gates honour it.</summary>
    public const string AbilityClaim = "ability";

    public ClaimsPrincipal? Principal { get; private set; }

    public void RunAsSystem(Type command)
    {
        var abilities = command.GetCustomAttribute<JobAbilitiesAttribute>()?.Abilities ?? [];
        Principal = SystemPrincipal(abilities);
    }

    public static ClaimsPrincipal SystemPrincipal(IEnumerable<string> abilities) =>
        new(new ClaimsIdentity(
            [new Claim("sub", SystemSubject), .. abilities.Select(a => new Claim(AbilityClaim, a))],
            authenticationType: "job",
            nameType: "sub",
            roleType: ClaimTypes.Role));
}
