using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace WebhookAdmin.Core;

/// <summary>
/// 24-hex identifiers shaped like MongoDB ObjectIds (4-byte seconds, 5 random bytes per process, 3-byte counter),
/// because the documented JSON and the platform's other ids use that form. Ids made by one process sort by creation.
/// </summary>
public static partial class ObjectId
{
    private static readonly byte[] ProcessUnique = RandomNumberGenerator.GetBytes(5);
    private static int _counter = RandomNumberGenerator.GetInt32(0, 0xFFFFFF);

    public static string NewId(TimeProvider? clock = null)
    {
        var seconds = (uint)(clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        var counter = Interlocked.Increment(ref _counter) & 0xFFFFFF;
        Span<byte> bytes = stackalloc byte[12];
        bytes[0] = (byte)(seconds >> 24);
        bytes[1] = (byte)(seconds >> 16);
        bytes[2] = (byte)(seconds >> 8);
        bytes[3] = (byte)seconds;
        ProcessUnique.CopyTo(bytes[4..9]);
        bytes[9] = (byte)(counter >> 16);
        bytes[10] = (byte)(counter >> 8);
        bytes[11] = (byte)counter;
        return Convert.ToHexStringLower(bytes);
    }

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    /// <summary>Ids are stored lowercase; a pasted uppercase id still finds its record.</summary>
    public static string Normalize(string value) => value.Trim().ToLowerInvariant();

    [GeneratedRegex("^[0-9a-fA-F]{24}$")]
    private static partial Regex Pattern();
}
