using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Template.Infrastructure.Validation;

namespace Template.Infrastructure.Errors;

/// <summary>The one place where exceptions become problem+json responses.</summary>
public sealed partial class ProblemExceptionHandler(
    IProblemDetailsService problemDetails,
    IOptions<RequestValidationOptions> validation,
    ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var bodyPresent = httpContext.Request.ContentLength != 0
            && (httpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true);
        var refused = exception is BadHttpRequestException bad ? BindingErrors.From(bad, httpContext) : null;
        var problem = Map(refused ?? exception, bodyPresent, validation.Value.StatusCode, httpContext.RequestAborted);
        if (problem is null)
        {
            return false;
        }

        if (problem.Status == StatusCodes.Status401Unauthorized)
        {
            problem = await ChallengeAsync(httpContext, problem);
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }
        else if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            // The exception, its stack and its file paths go to the log only, in every environment.
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    // The request's authentication scheme says how to authenticate (RFC 9110 §11.6.1): a bearer token handler
    // answers WWW-Authenticate: Bearer, with error="invalid_token" for a token it refused (RFC 6750 §3).
    private static async Task<ProblemDetails> ChallengeAsync(HttpContext httpContext, ProblemDetails problem)
    {
        try
        {
            await httpContext.ChallengeAsync();
            return problem;
        }
        catch (Exception failure) when (IsBackendUnavailable(failure))
        {
            return Unavailable();
        }
    }

    private static ProblemDetails? Map(
        Exception exception, bool bodyPresent, int validationStatus, CancellationToken requestAborted) =>
        exception switch
    {
        RequestValidationException validation => new HttpValidationProblemDetails(
            validation.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal))
        {
            Status = validationStatus,
            Type = validationStatus == StatusCodes.Status422UnprocessableEntity
                ? ProblemTypes.UnprocessableContent
                : ProblemTypes.BadRequest,
            Title = "One or more validation errors occurred.",
            Detail = Summarise(validation.Errors),
            Extensions = { ["codes"] = validation.Codes },
        },
        UnauthenticatedException e =>
            Problem(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized, "Unauthorized", e.Message),
        // The reason (token missing, of another user, cross-site) tells a developer what to fix and an attacker nothing
        // new.
        Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException e => Problem(
            StatusCodes.Status403Forbidden,
            ProblemTypes.Csrf,
            "Forbidden",
            $"The request lacks a valid antiforgery (CSRF) token. {e.Message}"),
        ForbiddenException e => Problem(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Forbidden", e.Message),
        NotFoundException e => Problem(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not Found", e.Message),
        ConflictException e => Problem(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Conflict", e.Message),
        PreconditionFailedException e => Problem(
            StatusCodes.Status412PreconditionFailed, ProblemTypes.PreconditionFailed, "Precondition Failed", e.Message),
        BadHttpRequestException e => FromBadRequest(e, bodyPresent),
        _ when IsBackendUnavailable(exception, requestAborted) => Unavailable(),
        // A client that went away is not a server error; nothing is left to answer.
        OperationCanceledException => null,
        _ => Problem(
            StatusCodes.Status500InternalServerError,
            ProblemTypes.InternalServerError,
            "An unexpected error occurred.",
            null),
    };

    private static ProblemDetails Unavailable() => Problem(
        StatusCodes.Status503ServiceUnavailable,
        ProblemTypes.ServiceUnavailable,
        "Service Unavailable",
        "A backend the service depends on is unreachable. Retry shortly.");

    private static ProblemDetails FromBadRequest(BadHttpRequestException exception, bool bodyPresent)
    {
        var (type, title) = exception.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => (ProblemTypes.ContentTooLarge, "Content Too Large"),
            StatusCodes.Status415UnsupportedMediaType => (ProblemTypes.UnsupportedMediaType, "Unsupported Media Type"),
            _ => (ProblemTypes.BadRequest, "Bad Request"),
        };
        return Problem(exception.StatusCode, type, title, Describe(exception, bodyPresent));
    }

    // Refused values are validation errors (BindingErrors); what is left is about the body as a whole. The reader's
    // message names the position; the binder's would name .NET types, so it is not passed on.
    private static string Describe(BadHttpRequestException exception, bool bodyPresent) => exception switch
    {
        { StatusCode: StatusCodes.Status400BadRequest } when !bodyPresent =>
            "The request body is empty; a JSON body is required.",
        { InnerException: JsonException json } => $"The request body is not valid JSON: {json.Message}",
        { StatusCode: StatusCodes.Status400BadRequest } => "The request could not be read.",
        _ => exception.Message,
    };

    private static string Summarise(IReadOnlyDictionary<string, string[]> errors)
    {
        var first = errors.First();
        return ValidationSetup.Messages.Summarise(first.Value[0], errors.Sum(e => e.Value.Length) - 1);
    }

    private const string RetryAfterSeconds = "5";

    /// <summary>
    /// <see cref="IsBackendUnavailable(Exception)"/>, or a cancellation the caller did not ask for: a backend giving
    /// up (StackExchange.Redis cancels the commands of a connection it tears down in a failover), not a client that
    /// went away.
    /// </summary>
    public static bool IsBackendUnavailable(Exception exception, CancellationToken asked) =>
        IsBackendUnavailable(exception) || (exception is OperationCanceledException && !asked.IsCancellationRequested);

    // Errors reach here directly or wrapped (by the job client, by EF Core's retries), so the chain is searched.
    /// <summary>Whether <paramref name="exception"/> (or one it wraps) says Redis or the database is unreachable:
    /// a 503, not a 500.</summary>
    public static bool IsBackendUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            // A socket error under a request is a backend's connection failing (a client's own never reaches here):
            // StackExchange.Redis can pass a reset on as its socket library's ConnectionResetException.
            if (current is RedisConnectionException or RedisTimeoutException or System.Net.Sockets.SocketException
                or System.Data.Common.DbException { IsTransient: true }
                || (current is RedisServerException server && IsTopologyAnswer(server.Message))
                || IsWriteToClosingRedisConnection(current))
            {
                return true;
            }
        }

        return false;
    }

    // What Redis answers while a failover or a resynchronisation is under way: a replica or a primary without
    // enough replicas refusing a write, a replica cut off from its primary, a node loading its data, a cluster
    // with a slot unserved. A script passes the answer on after its own prefix.
    private static readonly string[] TopologyAnswers =
        ["READONLY ", "NOREPLICAS ", "MASTERDOWN ", "LOADING ", "CLUSTERDOWN ", "TRYAGAIN "];

    // A command written while StackExchange.Redis tears a connection down (a failover) can fail with the pipe's own
    // "Writing is not allowed after writer was completed" instead of a connection error. The client completes every
    // pending command with that one exception, so its stack trace is that of whichever caller threw it first.
    private static bool IsWriteToClosingRedisConnection(Exception exception) =>
        exception is InvalidOperationException
        && (exception.Message.StartsWith(ClosedPipeMessage, StringComparison.Ordinal)
            || exception.StackTrace?.Contains("StackExchange.Redis.PhysicalConnection.", StringComparison.Ordinal)
                == true);

    private const string ClosedPipeMessage = "Writing is not allowed after writer was completed";

    private static bool IsTopologyAnswer(string message) => TopologyAnswers.Any(answer =>
        message.StartsWith(answer, StringComparison.Ordinal)
        || message.Contains("-" + answer, StringComparison.Ordinal));

    private static ProblemDetails Problem(int status, string type, string title, string? detail) =>
        new() { Status = status, Type = type, Title = title, Detail = detail };

    [LoggerMessage(
        EventId = 1, Level = LogLevel.Error, Message = "Unhandled exception while processing {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(
        EventId = 2, Level = LogLevel.Warning, Message = "Backend unavailable while processing {Method} {Path}")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, PathString path);
}
