namespace Template.Infrastructure.Errors;

/// <summary>The caller is not authenticated (401).</summary>
public sealed class UnauthenticatedException(string message = "Authentication is required to perform this request.")
    : Exception(message);

/// <summary>The caller is authenticated but may not perform the request (403).</summary>
public sealed class ForbiddenException(string message = "You are not allowed to perform this request.")
    : Exception(message);

/// <summary>The addressed resource does not exist, or is not visible to the caller (404).</summary>
public sealed class NotFoundException(string message) : Exception(message)
{
    public static NotFoundException For(string resource, object id) => new($"{resource} '{id}' was not found.");
}

/// <summary>The request conflicts with the current state of the resource (409).</summary>
public sealed class ConflictException(string message) : Exception(message);

/// <summary>A precondition the client set (e.g. <c>If-Match</c>) does not hold (412).</summary>
public sealed class PreconditionFailedException(string message) : Exception(message);
