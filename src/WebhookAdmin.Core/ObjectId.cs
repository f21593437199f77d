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

    /// <summary>
    /// The public id of a stored row whose key is a number (a delivery log, an event): the row's time in seconds, then
    /// the 8-byte key. It reads like any other ObjectId (and sorts by time), while the table keeps an 8-byte integer
    /// key instead of 24 characters repeated in every index; <see cref="TryReadKey"/> gets the key back.
    /// </summary>
    public static string FromKey(DateTime time, long key)
    {
        var seconds = (uint)Math.Clamp(new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeSeconds(), 0, uint.MaxValue);
        Span<byte> bytes = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, seconds);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes[4..], key);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>
    /// The key inside an id made by <see cref="FromKey"/>. Any well-formed ObjectId yields a number, so callers compare
    /// the row they find with the id they were given (<c>FromKey(row.Time, row.Key) == id</c>) before trusting it.
    /// </summary>
    public static bool TryReadKey(string? id, out long key)
    {
        key = 0;
        if (!IsValid(id))
            return false;
        Span<byte> bytes = stackalloc byte[12];
        Convert.FromHexString(id, bytes, out _, out _);
        key = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes[4..]);
        return key > 0;
    }

    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value) => value is not null && Pattern().IsMatch(value);

    /// <summary>Ids are stored lowercase; a pasted uppercase id still finds its record.</summary>
    public static string Normalize(string value) => value.Trim().ToLowerInvariant();

    [GeneratedRegex(@"^[0-9a-fA-F]{24}\z")]
    private static partial Regex Pattern();
}
