//#if (auth == "embedded")
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

//#endif
namespace Template.Tests.Support;

/// <summary>
/// Settings every test host starts with unless the test sets the keys itself: in-memory mode, whatever
/// appsettings.json says. What Production requires before it starts at all (with the embedded authorization server:
/// a public issuer and a signing certificate of its own, a self-signed one written to a temporary file once per test
/// run). And rate limits far above what the suite sends, since every test calls as the same few users from one
/// address; the rate-limit tests set their own.
/// </summary>
public static class TestHostSettings
{
//#if (auth == "embedded")
    public const string CertificatePassword = "test-only-password";

    private static readonly Lazy<string> CertificatePath = new(WriteCertificate);

//#endif
    public static IDictionary<string, string?> For(string environment, IDictionary<string, string?>? settings)
    {
        // In memory unless the test names a Redis: a service generated with --redis has one in appsettings.json.
        // Each host its own SQLite file unless the test names a database.
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Redis"] = "",
            ["ConnectionStrings:Sqlite"] = TestDatabases.Sqlite(),
        };
//#if (auth == "embedded")
        if (environment == "Production")
        {
            merged["AuthorizationServer:Issuer"] = "https://localhost/";
            merged["AuthorizationServer:SigningCertificatePath"] = CertificatePath.Value;
            merged["AuthorizationServer:SigningCertificatePassword"] = CertificatePassword;
        }

//#endif
        if (settings?.Keys.Any(k => k.StartsWith("RateLimiting:", StringComparison.OrdinalIgnoreCase)) != true)
        {
            foreach (var policy in new[] { "per-caller", "strict", "credentials" })
            {
                merged[$"RateLimiting:Policies:{policy}:PermitLimit"] = "1000000";
                merged[$"RateLimiting:Policies:{policy}:TokensPerPeriod"] = "1000000";
            }
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        return merged;
    }
//#if (auth == "embedded")

    private static string WriteCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Test signing", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(Path.GetTempPath(), $"signing-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, CertificatePassword));
        return path;
    }
//#endif
}
