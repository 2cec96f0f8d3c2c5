using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

public sealed class OrdersSettingsTests
{
    [Theory]
    [InlineData("Orders:MaxPageSize", "0")]
    [InlineData("Orders:PurgeCancelledAfter", "-1.00:00:00")]
    [InlineData("Orders:ConfirmationLockTimeout", "00:00:00")]
    public void A_bad_orders_setting_fails_start_up_validation_naming_the_key(string key, string value)
    {
        var failure = ServiceFixture.ValidateSettings("Development", new Dictionary<string, string?> { [key] = value });
        Assert.NotNull(failure);
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }
}
