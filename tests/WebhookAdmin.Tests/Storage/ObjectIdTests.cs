using WebhookAdmin.Core;

namespace WebhookAdmin.Tests.Storage;

/// <summary>Public ids of rows keyed by numbers: ObjectId-shaped, time first, never shared between kinds of record.</summary>
public sealed class ObjectIdTests
{
    private static readonly DateTime At = new(2026, 11, 28, 12, 0, 0, 250, DateTimeKind.Utc);

    [Fact]
    public void A_log_id_is_an_ObjectId_that_starts_with_its_time_and_gives_its_key_back()
    {
        var id = ObjectId.OfLog(At, 123_456_789);

        Assert.True(ObjectId.IsValid(id));
        Assert.StartsWith(((uint)new DateTimeOffset(At).ToUnixTimeSeconds()).ToString("x8"), id);
        Assert.True(ObjectId.TryReadLogKey(id, out var key));
        Assert.Equal(123_456_789, key);
        Assert.True(ObjectId.TryReadLogKey(id.ToUpperInvariant(), out _));
    }

    [Fact]
    public void An_event_and_a_log_with_the_same_key_and_time_have_different_ids_and_an_event_id_names_no_log()
    {
        var (log, published) = (ObjectId.OfLog(At, 1), ObjectId.OfEvent(At, 1));

        Assert.NotEqual(log, published);
        Assert.False(ObjectId.TryReadLogKey(published, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("6b0b1548020000000000000")]
    [InlineData("6b0b15480200000000000001\n")]
    [InlineData("zz0b15480200000000000001")]
    [InlineData("6b0b15480200000000000000")]
    public void Anything_but_a_log_id_with_a_key_is_not_read_as_one(string id) =>
        Assert.False(ObjectId.TryReadLogKey(id, out _));
}
