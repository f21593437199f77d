using System.Text.Json;

namespace WebhookAdmin.Receiving;

/// <summary>What a receiver has handled: the last sequence, and the recent ids (to drop repeats by <c>webhook-id</c>).</summary>
public sealed class ReceiverState
{
    /// <summary>The last <c>webhook-sequence</c> handed to the application (0 before the first).</summary>
    public long LastSequence { get; set; }

    /// <summary>The latest <c>webhook-id</c>s handed over, oldest first.</summary>
    public List<string> RecentIds { get; set; } = [];

    /// <summary>Whether the delivery with this <c>webhook-id</c> was handed over lately.</summary>
    public bool Seen(string id) => RecentIds.Contains(id, StringComparer.Ordinal);

    /// <summary>Records <paramref name="message"/> as handed over, remembering at most <paramref name="remember"/> ids.</summary>
    public void Handled(WebhookMessage message, int remember)
    {
        LastSequence = message.Sequence;
        RecentIds.Add(message.Id);
        if (RecentIds.Count > remember)
            RecentIds.RemoveRange(0, RecentIds.Count - remember);
    }
}

/// <summary>Keeps <see cref="ReceiverState"/> across restarts. Replace it to keep the state in the application's own database.</summary>
public interface IReceiverStateStore
{
    /// <summary>The state saved last, or a new one before the first message.</summary>
    Task<ReceiverState> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Called after each message is handled; once it returns, a restart resumes after that message.</summary>
    Task SaveAsync(ReceiverState state, CancellationToken cancellationToken);
}

/// <summary>The state as a JSON file, written to a temporary file, flushed to disk and renamed over the old one, so a crash leaves one or the other whole.</summary>
public sealed class FileReceiverStateStore(string path) : IReceiverStateStore
{
    /// <inheritdoc />
    public async Task<ReceiverState> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            return new ReceiverState();
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<ReceiverState>(file, JsonSerializerOptions.Web, cancellationToken) ?? new ReceiverState();
    }

    /// <inheritdoc />
    public async Task SaveAsync(ReceiverState state, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(file, state, JsonSerializerOptions.Web, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
