using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Template.Tests.Support;

/// <summary>
/// What Production requires before it starts at all: a public issuer and a signing certificate of its own (a
/// self-signed one written to a temporary file once per test run). Tests that start in Production get these
/// unless they set the keys themselves.
/// </summary>
public static class ProductionSettings
{
    public const string CertificatePassword = "test-only-password";

    private static readonly Lazy<string> CertificatePath = new(WriteCertificate);

    public static IDictionary<string, string?> For(string environment, IDictionary<string, string?>? settings)
    {
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (environment == "Production")
        {
            merged["AuthorizationServer:Issuer"] = "https://localhost/";
            merged["AuthorizationServer:SigningCertificatePath"] = CertificatePath.Value;
            merged["AuthorizationServer:SigningCertificatePassword"] = CertificatePassword;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        return merged;
    }

    public static string Certificate => CertificatePath.Value;

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
}
