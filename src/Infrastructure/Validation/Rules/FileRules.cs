using FluentValidation;

namespace Template.Infrastructure.Validation.Rules;

/// <summary>
/// Rules for uploaded files. The type is judged by the content's signature (its first bytes), never by the
/// name or the Content-Type the client sent, which a client controls.
/// </summary>
public static class FileRules
{
    /// <summary>At most <paramref name="bytes"/> long.</summary>
    public static IRuleBuilderOptions<T, IFormFile?> MaxFileSize<T>(
        this IRuleBuilder<T, IFormFile?> rule, long bytes) =>
        rule.SetValidator(new FileRule<T>(
            "file_max_size", (file, _) => file.Length <= bytes, new() { ["Max"] = bytes }));

    /// <summary>A name ending in one of <paramref name="extensions"/> (without the dot; case-insensitive).</summary>
    public static IRuleBuilderOptions<T, IFormFile?> FileExtensions<T>(
        this IRuleBuilder<T, IFormFile?> rule, params string[] extensions) =>
        rule.SetValidator(new FileRule<T>(
            "file_extension",
            (file, _) =>
                extensions.Contains(Path.GetExtension(file.FileName).TrimStart('.'), StringComparer.OrdinalIgnoreCase),
            new() { ["Values"] = string.Join(", ", extensions) }));

    /// <summary>
    /// Content whose signature is one of <paramref name="mediaTypes"/>. Known: image/png, image/jpeg, image/gif,
    /// image/webp, application/pdf, application/zip, text/plain (UTF-8 without control characters).
    /// </summary>
    public static IRuleBuilderOptions<T, IFormFile?> FileTypes<T>(
        this IRuleBuilder<T, IFormFile?> rule, params string[] mediaTypes)
    {
        var unknown = mediaTypes.Where(m => !FileSignatures.Known.Contains(m)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"No content signature is known for {string.Join(", ", unknown)}.", nameof(mediaTypes));
        }

        return rule.SetValidator(new FileRule<T>(
            "file_type",
            (file, head) => mediaTypes.Any(m => FileSignatures.Matches(m, head, file.Length)),
            new() { ["Values"] = string.Join(", ", mediaTypes) }));
    }
}

public sealed class FileRule<T>(
    string code, Func<IFormFile, byte[], bool> isValid, Dictionary<string, object> arguments)
    : LocalizedRule<T, IFormFile?>
{
    public override string Name { get; } = code;

    public override bool IsValid(ValidationContext<T> context, IFormFile? value)
    {
        foreach (var (key, argument) in arguments)
        {
            context.MessageFormatter.AppendArgument(key, argument);
        }

        return value is null || isValid(value, FileSignatures.ReadHead(value));
    }

}

internal static class FileSignatures
{
    private const int HeadLength = 512;

    public static readonly HashSet<string> Known = new(
        ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "application/zip", "text/plain"],
        StringComparer.OrdinalIgnoreCase);

    public static byte[] ReadHead(IFormFile file)
    {
        using var stream = file.OpenReadStream();
        var buffer = new byte[Math.Min(HeadLength, file.Length)];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return buffer[..read];
    }

    public static bool Matches(string mediaType, byte[] head, long length) => mediaType.ToLowerInvariant() switch
    {
        "image/png" => StartsWith(head, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => StartsWith(head, [0xFF, 0xD8, 0xFF]),
        "image/gif" => StartsWith(head, "GIF87a"u8) || StartsWith(head, "GIF89a"u8),
        "image/webp" => StartsWith(head, "RIFF"u8) && head.Length >= 12 && head.AsSpan(8, 4).SequenceEqual("WEBP"u8),
        "application/pdf" => StartsWith(head, "%PDF-"u8),
        "application/zip" =>
            StartsWith(head, [0x50, 0x4B, 0x03, 0x04]) || (StartsWith(head, [0x50, 0x4B, 0x05, 0x06]) && length == 22),
        "text/plain" => IsPlainText(head),
        _ => false,
    };

    private static bool StartsWith(byte[] head, ReadOnlySpan<byte> signature) => head.AsSpan().StartsWith(signature);

    private static bool IsPlainText(byte[] head)
    {
        if (head.Length == 0)
        {
            return true;
        }

        // The head may end inside a multi-byte character: judge only whole characters.
        var decoder = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            var text = decoder.GetString(head, 0, LastWholeCharacter(head));
            return !text.Any(c => char.IsControl(c) && c is not ('\t' or '\r' or '\n'));
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    private static int LastWholeCharacter(byte[] head)
    {
        var end = head.Length;
        var i = end - 1;
        var continuation = 0;
        while (i >= 0 && (head[i] & 0xC0) == 0x80 && continuation < 3)
        {
            i--;
            continuation++;
        }

        if (i < 0)
        {
            return end;
        }

        var lead = head[i];
        var expected = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        return expected > continuation ? i : end;
    }
}
