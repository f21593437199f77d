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
    /// The public id of a delivery log: an ObjectId made of its time in seconds, a byte naming the kind of record, then its
    /// 7-byte key. It reads like any other ObjectId (and sorts by time), while the table keeps an 8-byte integer key
    /// instead of 24 characters repeated in every index; <see cref="TryReadLogKey"/> gets the key back.
    /// </summary>
    public static string OfLog(DateTime createdAt, long key) => FromKey(createdAt, LogKind, key);

    /// <summary>The public id of a published event, made like <see cref="OfLog"/> (so the two never coincide).</summary>
    public static string OfEvent(DateTime publishedAt, long sequence) => FromKey(publishedAt, EventKind, sequence);

    /// <summary>
    /// The key inside a log id made by <see cref="OfLog"/>. Any well-formed ObjectId of that kind yields a number, so
    /// callers compare the row they find with the id they were given (<c>OfLog(row.CreatedAt, row.Id) == id</c>).
    /// </summary>
    public static bool TryReadLogKey(string? id, out long key)
    {
        key = 0;
        if (!IsValid(id))
            return false;
        Span<byte> bytes = stackalloc byte[12];
        Convert.FromHexString(id, bytes, out _, out _);
        if (bytes[4] != LogKind)
            return false;
        bytes[4] = 0;
        key = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes[4..]);
        return key > 0;
    }

    private const byte EventKind = 0x01;
    private const byte LogKind = 0x02;

    private static string FromKey(DateTime time, byte kind, long key)
    {
        var seconds = (uint)Math.Clamp(new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToUnixTimeSeconds(), 0, uint.MaxValue);
        Span<byte> bytes = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, seconds);
        // Seven bytes of key (up to 72 quadrillion rows), the eighth names the kind.
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes[4..], key & 0x00FF_FFFF_FFFF_FFFF);
        bytes[4] = kind;
        return Convert.ToHexStringLower(bytes);
    }

    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value) => value is not null && Pattern().IsMatch(value);

    /// <summary>Ids are stored lowercase; a pasted uppercase id still finds its record.</summary>
    public static string Normalize(string value) => value.Trim().ToLowerInvariant();

    [GeneratedRegex(@"^[0-9a-fA-F]{24}\z")]
    private static partial Regex Pattern();
}
