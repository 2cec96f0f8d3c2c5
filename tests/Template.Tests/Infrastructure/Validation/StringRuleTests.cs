using Template.Infrastructure.Validation.Rules;
using static Template.Tests.Infrastructure.Validation.RuleProbe;

namespace Template.Tests.Infrastructure.Validation;

/// <summary>Valid and invalid vectors for the added string rules; null and empty pass (absence is NotEmpty's to judge).</summary>
public sealed class StringRuleTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("0b0e4c8e-6b9f-4b8a-9d7c-2f6f0f1d9a11", true)]
    [InlineData("0B0E4C8E-6B9F-4B8A-9D7C-2F6F0F1D9A11", true)]
    [InlineData("{0b0e4c8e-6b9f-4b8a-9d7c-2f6f0f1d9a11}", false)]
    [InlineData("0b0e4c8e6b9f4b8a9d7c2f6f0f1d9a11", false)]
    [InlineData("0b0e4c8e-6b9f-4b8a-9d7c-2f6f0f1d9a1g", false)]
    [InlineData(" ", false)]
    public void Uuid(string? value, bool valid) => AssertOutcome(Check<string?>(r => r.Uuid(), value), valid, "uuid");

    [Theory]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAV", true)]
    [InlineData("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", true)]
    [InlineData("8ZZZZZZZZZZZZZZZZZZZZZZZZZ", false)]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FA", false)]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAI", false)]
    public void Ulid(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Ulid(), value), valid, "ulid");

    [Theory]
    [InlineData("https://example.com/path?q=1", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("https://bücher.example/", true)]
    [InlineData("ftp://example.com/file", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("/relative/path", false)]
    [InlineData("https://exa mple.com", false)]
    [InlineData("https://", false)]
    public void Url(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Url(), value), valid, "url");

    [Fact]
    public void Url_accepts_the_schemes_it_is_given_and_names_them()
    {
        AssertOutcome(Check<string?>(r => r.Url("ftp"), "ftp://example.com/file"), true, "url");
        var refused = Check<string?>(r => r.Url("ftp"), "https://example.com");
        AssertOutcome(refused, false, "url");
        Assert.Contains("(ftp)", refused.Errors[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("my-first-post", true)]
    [InlineData("post2", true)]
    [InlineData("My-Post", false)]
    [InlineData("my--post", false)]
    [InlineData("-post", false)]
    [InlineData("post-", false)]
    [InlineData("café", false)]
    public void Slug(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Slug(), value), valid, "slug");

    [Theory]
    [InlineData("Zoë", true)]
    [InlineData("Łódź", true)]
    [InlineData("東京", true)]
    [InlineData("abc1", false)]
    [InlineData("a b", false)]
    [InlineData("a-b", false)]
    public void Alpha(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Alpha(), value), valid, "alpha");

    [Theory]
    [InlineData("Zoë42", true)]
    [InlineData("٣٤٥", true)]
    [InlineData("abc_1", false)]
    [InlineData("a b", false)]
    public void AlphaNumeric(string value, bool valid) => AssertOutcome(Check<string?>(r => r.AlphaNumeric(), value), valid, "alpha_num");

    [Theory]
    [InlineData("user_name-42", true)]
    [InlineData("Ärger-1", true)]
    [InlineData("user.name", false)]
    [InlineData("user name", false)]
    public void AlphaDash(string value, bool valid) => AssertOutcome(Check<string?>(r => r.AlphaDash(), value), valid, "alpha_dash");

    [Theory]
    [InlineData("Plain text 123 !~", true)]
    [InlineData("naïve", false)]
    [InlineData("emoji 😀", false)]
    public void Ascii(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Ascii(), value), valid, "ascii");

    [Theory]
    [InlineData("straße 12", true)]
    [InlineData("Straße", false)]
    public void Lowercase(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Lowercase(), value), valid, "lowercase");

    [Theory]
    [InlineData("ÄÖÜ-42", true)]
    [InlineData("ABc", false)]
    public void Uppercase(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Uppercase(), value), valid, "uppercase");

    [Theory]
    [InlineData("SKU-1", true)]
    [InlineData("TMP-1", true)]
    [InlineData("sku-1", false)]
    [InlineData("X-SKU", false)]
    public void StartsWith(string value, bool valid) => AssertOutcome(Check<string?>(r => r.StartsWith("SKU-", "TMP-"), value), valid, "starts_with");

    [Theory]
    [InlineData("order", true)]
    [InlineData("admin-order", false)]
    public void DoesntStartWith(string value, bool valid) => AssertOutcome(Check<string?>(r => r.DoesntStartWith("admin"), value), valid, "doesnt_start_with");

    [Theory]
    [InlineData("report.pdf", true)]
    [InlineData("report.PDF", false)]
    public void EndsWith(string value, bool valid) => AssertOutcome(Check<string?>(r => r.EndsWith(".pdf"), value), valid, "ends_with");

    [Theory]
    [InlineData("archive.zip", true)]
    [InlineData("setup.exe", false)]
    public void DoesntEndWith(string value, bool valid) => AssertOutcome(Check<string?>(r => r.DoesntEndWith(".exe", ".bat"), value), valid, "doesnt_end_with");

    [Theory]
    [InlineData("{\"a\":[1,2,{\"b\":null}]}", true)]
    [InlineData("42", true)]
    [InlineData("\"text\"", true)]
    [InlineData("{a:1}", false)]
    [InlineData("[1,2", false)]
    [InlineData("{} {}", false)]
    public void Json(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Json(), value), valid, "json");

    [Theory]
    [InlineData("192.168.0.1", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("::ffff:192.0.2.1", true)]
    [InlineData("256.1.1.1", false)]
    [InlineData("1.2.3", false)]
    [InlineData("example.com", false)]
    public void IpAddress(string value, bool valid) => AssertOutcome(Check<string?>(r => r.IpAddress(), value), valid, "ip");

    [Theory]
    [InlineData("10.0.0.255", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("010.0.0.1", false)]
    [InlineData("1.2.3.4.5", false)]
    [InlineData("::1", false)]
    [InlineData("1.2.3.-4", false)]
    public void IpV4Address(string value, bool valid) => AssertOutcome(Check<string?>(r => r.IpV4Address(), value), valid, "ipv4");

    [Theory]
    [InlineData("fe80::1ff:fe23:4567:890a", true)]
    [InlineData("::1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("2001:db8:::1", false)]
    public void IpV6Address(string value, bool valid) => AssertOutcome(Check<string?>(r => r.IpV6Address(), value), valid, "ipv6");

    [Theory]
    [InlineData("00:1A:2b:3C:4d:5E", true)]
    [InlineData("00-1A-2B-3C-4D-5E", true)]
    [InlineData("00:1A-2B:3C:4D:5E", false)]
    [InlineData("00:1A:2B:3C:4D", false)]
    [InlineData("00:1A:2B:3C:4D:5G", false)]
    public void MacAddress(string value, bool valid) => AssertOutcome(Check<string?>(r => r.MacAddress(), value), valid, "mac_address");

    [Theory]
    [InlineData("12345", true)]
    [InlineData("1234", false)]
    [InlineData("12a45", false)]
    [InlineData("١٢٣٤٥", false)]
    public void Digits(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Digits(5), value), valid, "digits");

    [Theory]
    [InlineData("123", true)]
    [InlineData("123456", true)]
    [InlineData("12", false)]
    [InlineData("1234567", false)]
    public void DigitsBetween(string value, bool valid) => AssertOutcome(Check<string?>(r => r.DigitsBetween(3, 6), value), valid, "digits_between");

    [Theory]
    [InlineData("#fff", true)]
    [InlineData("#FFFA", true)]
    [InlineData("#1a2b3c", true)]
    [InlineData("#1a2b3c80", true)]
    [InlineData("fff", false)]
    [InlineData("#ff", false)]
    [InlineData("#12345", false)]
    [InlineData("#ggg", false)]
    public void HexColor(string value, bool valid) => AssertOutcome(Check<string?>(r => r.HexColor(), value), valid, "hex_color");

    [Theory]
    [InlineData("aGVsbG8=", true)]
    [InlineData("aGVsbG8h", true)]
    [InlineData("aGVsbG8", false)]
    [InlineData("aGVs bG8=", false)]
    [InlineData("a*==", false)]
    public void Base64(string value, bool valid) => AssertOutcome(Check<string?>(r => r.Base64(), value), valid, "base64");
}
