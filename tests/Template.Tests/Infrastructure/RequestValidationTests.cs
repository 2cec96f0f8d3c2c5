using FluentValidation;
using Mediator;
using Template.Infrastructure.Validation;
using Template.Infrastructure.Pipeline;

namespace Template.Tests.Infrastructure;

/// <summary>
/// The validation step takes FluentValidation's synchronous path where it can; a validator with an async rule
/// must still be validated whole, every time, without failures counted twice.
/// </summary>
public sealed class RequestValidationTests
{
    [Fact]
    public async Task A_validator_with_an_async_rule_reports_every_failure_once_on_every_call()
    {
        IValidator<MixedProbe>[] validators = [new MixedProbeValidator()];
        for (var call = 0; call < 3; call++)
        {
            var invalid = await Assert.ThrowsAsync<RequestValidationException>(() =>
                RequestValidation.ValidateAsync(validators, new MixedProbe("", "taken"), CancellationToken.None).AsTask());
            Assert.Equal(["sync"], invalid.Errors["name"]);
            Assert.Equal(["async"], invalid.Errors["handle"]);
        }

        await RequestValidation.ValidateAsync(validators, new MixedProbe("a", "free"), CancellationToken.None);
    }

    [Fact]
    public async Task Failures_of_several_validators_are_reported_together()
    {
        IValidator<MixedProbe>[] validators = [new MixedProbeValidator(), new LengthValidator()];
        var invalid = await Assert.ThrowsAsync<RequestValidationException>(() =>
            RequestValidation.ValidateAsync(validators, new MixedProbe("", "taken"), CancellationToken.None).AsTask());
        Assert.Equal(["sync", "too short"], invalid.Errors["name"]);
        Assert.Equal(["async"], invalid.Errors["handle"]);
    }

    public sealed record MixedProbe(string Name, string Handle) : ICommand<string>;

    private sealed class LengthValidator : AbstractValidator<MixedProbe>
    {
        public LengthValidator() => RuleFor(p => p.Name).MinimumLength(1).WithMessage("too short");
    }

    private sealed class MixedProbeValidator : AbstractValidator<MixedProbe>
    {
        public MixedProbeValidator()
        {
            RuleFor(p => p.Name).NotEmpty().WithMessage("sync");
            RuleFor(p => p.Handle).MustAsync(async (handle, token) =>
            {
                await Task.Yield();
                return handle != "taken";
            }).WithMessage("async");
        }
    }
}
