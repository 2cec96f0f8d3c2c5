namespace Template.Infrastructure.Errors;

/// <summary>
/// One or more validation rules failed. <see cref="Errors"/> is keyed by the JSON path the client sent
/// (camelCase, with indexes such as <c>lines[0].quantity</c>), each key holding all its messages.
/// </summary>
public sealed class RequestValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("One or more validation errors occurred.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
