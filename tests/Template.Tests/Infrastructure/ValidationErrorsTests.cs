using FluentValidation.Results;
using Template.Infrastructure.Validation;

namespace Template.Tests.Infrastructure;

public sealed class ValidationErrorsTests
{
    [Theory]
    [InlineData("CustomerEmail", "customerEmail")]
    [InlineData("Lines[0].Quantity", "lines[0].quantity")]
    [InlineData("Lines[12].Options[3].Code", "lines[12].options[3].code")]
    [InlineData("Address.PostCode", "address.postCode")]
    [InlineData("", "$")]
    [InlineData("If-Match", "If-Match")]
    public void Property_names_become_the_camel_case_json_path(string propertyName, string expected) =>
        Assert.Equal(expected, ValidationErrors.ToJsonPath(propertyName));

    [Fact]
    public void Failures_are_grouped_per_path_keeping_every_distinct_message()
    {
        var errors = ValidationErrors.ByJsonPath(
        [
            new ValidationFailure("Lines[0].Quantity", "Too many."),
            new ValidationFailure("Lines[0].Quantity", "Not a multiple of 5."),
            new ValidationFailure("Lines[0].Quantity", "Too many."),
            new ValidationFailure("Currency", "Unknown currency."),
        ]);
        Assert.Equal(["Too many.", "Not a multiple of 5."], errors["lines[0].quantity"]);
        Assert.Equal(["Unknown currency."], errors["currency"]);
    }

    [Theory]
    [InlineData("NotEmptyValidator", "not_empty")]
    [InlineData("GreaterThanOrEqualValidator", "greater_than_or_equal")]
    [InlineData("EmailValidator", "email")]
    [InlineData("uuid", "uuid")]
    [InlineData("CUSTOM-CODE", "CUSTOM-CODE")]
    [InlineData("", "invalid")]
    [InlineData(null, "invalid")]
    public void Codes_are_snake_case_for_built_ins_and_kept_for_custom_ones(string? errorCode, string expected) =>
        Assert.Equal(expected, ValidationErrors.ToCode(errorCode));
}
