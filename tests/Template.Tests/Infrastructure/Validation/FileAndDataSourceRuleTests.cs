using System.Text;
using Microsoft.AspNetCore.Http;
using Template.Infrastructure.Validation.Rules;
using static Template.Tests.Infrastructure.Validation.RuleProbe;

namespace Template.Tests.Infrastructure.Validation;

public sealed class FileRuleTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    private static readonly byte[] Pdf = "%PDF-1.7\n"u8.ToArray();
    private static readonly byte[] WebP = "RIFF\0\0\0\0WEBPVP8 "u8.ToArray();
    private static readonly byte[] Executable = "MZ\u0090\0\u0003"u8.ToArray();

    [Fact]
    public void The_type_is_judged_by_the_content_not_by_the_name()
    {
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("image/png", "image/jpeg"), File("photo.png", Png)), true, "file_type");
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("image/png", "image/jpeg"), File("photo.bin", Jpeg)), true, "file_type");
        // A program renamed to .png is still a program.
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("image/png"), File("photo.png", Executable)), false, "file_type");
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("application/pdf"), File("doc.pdf", Png)), false, "file_type");
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("application/pdf"), File("doc.pdf", Pdf)), true, "file_type");
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("image/webp"), File("a.webp", WebP)), true, "file_type");
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("image/png"), File("empty.png", [])), false, "file_type");
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("image/png"), null), true, "file_type");
    }

    [Fact]
    public void Plain_text_is_utf8_without_control_characters()
    {
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("text/plain"), File("a.txt", Encoding.UTF8.GetBytes("Grüße\r\n\tZeile 2"))), true, "file_type");
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("text/plain"), File("a.txt", [0x47, 0x72, 0xFC, 0x65])), false, "file_type");
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("text/plain"), File("a.txt", [0x41, 0x00, 0x42])), false, "file_type");
        // A multi-byte character cut by the 512-byte head is not held against the file.
        var cut = Encoding.UTF8.GetBytes(new string('a', 511) + "é");
        AssertOutcome(Check<IFormFile?>(r => r.FileTypes("text/plain"), File("a.txt", cut)), true, "file_type");
    }

    [Fact]
    public void An_unknown_media_type_is_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => Check<IFormFile?>(r => r.FileTypes("video/x-unknown"), null));

    [Theory]
    [InlineData(1024, true)]
    [InlineData(1025, false)]
    public void MaxFileSize(int length, bool valid) =>
        AssertOutcome(Check<IFormFile?>(r => r.MaxFileSize(1024), File("a.bin", new byte[length])), valid, "file_max_size");

    [Theory]
    [InlineData("photo.JPG", true)]
    [InlineData("photo.png", true)]
    [InlineData("photo.jpg.exe", false)]
    [InlineData("photo", false)]
    public void FileExtensions(string name, bool valid) =>
        AssertOutcome(Check<IFormFile?>(r => r.FileExtensions("jpg", "png"), File(name, Png)), valid, "file_extension");

    private static FormFile File(string name, byte[] content) =>
        new(new MemoryStream(content), 0, content.Length, "file", name);
}

public sealed class DataSourceRuleTests
{
    private static readonly HashSet<string> Catalog = new(["SKU-1", "SKU-2"], StringComparer.Ordinal);

    [Theory]
    [InlineData("SKU-1", true)]
    [InlineData("SKU-9", false)]
    [InlineData(null, true)]
    [InlineData("", true)]
    public async Task Exists_asks_the_data_source(string? value, bool valid) =>
        AssertOutcome(await CheckAsync<string?>(r => r.Exists((v, _) => ValueTask.FromResult(Catalog.Contains(v!))), value), valid, "exists");

    [Theory]
    [InlineData("new-name", true)]
    [InlineData("SKU-1", false)]
    public async Task Unique_asks_whether_the_value_is_taken(string value, bool valid) =>
        AssertOutcome(await CheckAsync<string?>(r => r.Unique((v, _) => ValueTask.FromResult(Catalog.Contains(v!))), value), valid, "unique");

    [Fact]
    public async Task The_data_source_gets_the_request_cancellation()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var validator = new FluentValidation.InlineValidator<Box<string?>>();
        validator.RuleFor(b => b.Value).Exists((_, token) =>
        {
            token.ThrowIfCancellationRequested();
            return ValueTask.FromResult(true);
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => validator.ValidateAsync(new Box<string?>("x"), cancelled.Token));
    }
}
