namespace Template.Infrastructure.Validation;

/// <summary>
/// One or more validation rules failed. <see cref="Errors"/> is keyed by the JSON path the client sent
/// (camelCase, with indexes such as <c>lines[0].quantity</c>), each key holding all its messages.
/// </summary>
public sealed class RequestValidationException(
    IReadOnlyDictionary<string, string[]> errors,
    IReadOnlyDictionary<string, string[]>? codes = null)
    : Exception("One or more validation errors occurred.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>
    /// A stable machine-readable code per failed rule (e.g. <c>not_empty</c>, <c>email</c>, <c>uuid</c>), keyed
    /// like <see cref="Errors"/>, so clients can translate without parsing messages.
    /// </summary>
    public IReadOnlyDictionary<string, string[]> Codes { get; } = codes
        ?? new Dictionary<string, string[]>(StringComparer.Ordinal);
}
