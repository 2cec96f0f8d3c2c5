using Microsoft.Extensions.Options;
using Template.Tests.Support;

namespace Template.Tests.Features.Orders;

public sealed class OrdersSettingsTests
{
    [Theory]
    [InlineData("Orders:MaxPageSize", "0")]
    [InlineData("Orders:PurgeCancelledAfter", "-1.00:00:00")]
    [InlineData("Orders:ConfirmationLockTimeout", "00:00:00")]
    public async Task A_bad_orders_setting_stops_start_up_naming_the_key(string key, string value)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(
            () => ServiceFixture.StartAsync("Development", new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }
}
