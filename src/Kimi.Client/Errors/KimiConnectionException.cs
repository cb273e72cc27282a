namespace Kimi.Client;

/// <summary>The provider could not be reached (DNS, refused or reset connection, TLS) after every allowed try.</summary>
/// <param name="message">What failed and what to check.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="innerException">The transport error.</param>
public class KimiConnectionException(string message, KimiProvider provider, Exception? innerException = null)
    : KimiException(message, provider, null, null, innerException);
