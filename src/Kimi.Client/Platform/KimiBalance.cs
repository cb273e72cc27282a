namespace Kimi.Client;

/// <summary>An account balance (<see cref="KimiPlatformClient.GetBalanceAsync"/>), exact as the host reported it.</summary>
/// <param name="available">What can be spent: cash plus vouchers. At or below zero the host refuses inference calls.</param>
/// <param name="voucher">Voucher credit; never negative.</param>
/// <param name="cash">Cash credit; negative when money is owed.</param>
/// <param name="currency">The currency (<c>USD</c> on Moonshot's international platform, <c>CNY</c> on the China platform).</param>
public sealed class KimiBalance(decimal available, decimal voucher, decimal cash, string currency)
{
    /// <summary>What can be spent: cash plus vouchers. At or below zero the host refuses inference calls.</summary>
    public decimal Available { get; } = available;

    /// <summary>Voucher credit; never negative.</summary>
    public decimal Voucher { get; } = voucher;

    /// <summary>Cash credit; negative when money is owed.</summary>
    public decimal Cash { get; } = cash;

    /// <summary>The currency of the amounts, from the host's profile (<see cref="KimiProvider.Currency"/>).</summary>
    public string Currency { get; } = currency ?? throw new ArgumentNullException(nameof(currency));

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Available} {Currency} available ({Cash} cash, {Voucher} voucher)");
}
