using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace WebhookAdmin.Receiving;

/// <summary>What became of a pushed delivery, and the status to answer WebhookAdmin with.</summary>
internal enum ReceiveOutcome
{
    /// <summary>Handed to the application (after any deliveries missing before it). 204.</summary>
    Handled,

    /// <summary>Already handled (the same <c>webhook-id</c>, or a sequence at or before the last handled). 204: WebhookAdmin stops retrying.</summary>
    Repeat,

    /// <summary>Missing or malformed headers. 400.</summary>
    Malformed,

    /// <summary>The signature does not verify, or the timestamp is too old or too new. 401.</summary>
    Unauthentic,

    /// <summary>The application's handler failed, or the gap could not be filled yet. 503: WebhookAdmin tries again.</summary>
    NotYet,
}

/// <summary>
/// Turns WebhookAdmin's pushes into the application's events: each verified, each once, in <c>webhook-sequence</c> order.
/// A push whose sequence is beyond the next one expected first reads the deliveries in between from the catch-up API
/// (verified with the same code) and hands them over in order; a repeat is answered without being handed over again.
/// One message is handled at a time (WebhookAdmin sends one at a time per webhook anyway).
/// </summary>
internal sealed class WebhookReceiver(
    WebhookReceiverOptions options, SignatureVerifier verifier, CatchUpClient catchUp, IReceiverStateStore store, ILogger<WebhookReceiver> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ReceiverState? _state;

    /// <summary>The last sequence handed to the application.</summary>
    public long LastSequence => _state?.LastSequence ?? 0;

    public async Task<ReceiveOutcome> ReceiveAsync(
        string? id, string? timestamp, string? signature, string? sequenceHeader, byte[] body,
        Func<WebhookMessage, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        if (!long.TryParse(sequenceHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1
            || string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
            return ReceiveOutcome.Malformed;
        if (verifier.Problem(id, timestamp, signature, body) is { } problem)
        {
            logger.LogWarning("Refused a delivery: {Problem}.", problem);
            return ReceiveOutcome.Unauthentic;
        }
        var message = new WebhookMessage(id, sequence, DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, CultureInfo.InvariantCulture)),
            Encoding.UTF8.GetString(body), CaughtUp: false);

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var state = _state ??= await store.LoadAsync(cancellationToken);
            if (state.Seen(message.Id) || message.Sequence <= state.LastSequence)
                return ReceiveOutcome.Repeat;
            if (message.Sequence > state.LastSequence + 1)
                await FillGapAsync(state, message.Sequence - 1, handle, cancellationToken);
            await HandAsync(state, message, handle, cancellationToken);
            return ReceiveOutcome.Handled;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Delivery {Sequence} was not handled; WebhookAdmin will send it again.", sequence);
            return ReceiveOutcome.NotYet;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Hands over every delivery after the last handled, up to <paramref name="upTo"/>, read from the catch-up API.</summary>
    private async Task FillGapAsync(ReceiverState state, long upTo, Func<WebhookMessage, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        logger.LogInformation("Deliveries {From} to {To} are missing; reading them from WebhookAdmin.", state.LastSequence + 1, upTo);
        while (state.LastSequence < upTo)
        {
            var page = await catchUp.ReadAsync(state.LastSequence, cancellationToken);
            if (page.OldestHeld is { } oldest)
            {
                var lostTo = Math.Min(oldest - 1, upTo);
                logger.LogError("Deliveries {From} to {To} are no longer held by WebhookAdmin (log retention); going on without them.", state.LastSequence + 1, lostTo);
                if (options.OnLost is { } onLost)
                    await onLost(state.LastSequence + 1, lostTo, cancellationToken);
                state.LastSequence = lostTo;
                await store.SaveAsync(state, cancellationToken);
                continue;
            }
            var progressed = false;
            foreach (var delivery in page.Deliveries.Where(d => d.Sequence > state.LastSequence && d.Sequence <= upTo).OrderBy(d => d.Sequence))
            {
                if (delivery.Sequence != state.LastSequence + 1)
                    throw new InvalidOperationException($"The catch-up API skipped from {state.LastSequence} to {delivery.Sequence}.");
                var body = Encoding.UTF8.GetBytes(delivery.Body);
                var headers = delivery.Headers;
                if (verifier.Problem(headers.WebhookId, headers.WebhookTimestamp, headers.WebhookSignature, body) is { } problem)
                    throw new InvalidOperationException($"A caught-up delivery does not verify: {problem}.");
                if (state.Seen(headers.WebhookId))
                {
                    state.LastSequence = delivery.Sequence;
                    continue;
                }
                var message = new WebhookMessage(headers.WebhookId, delivery.Sequence,
                    DateTimeOffset.FromUnixTimeSeconds(long.Parse(headers.WebhookTimestamp, CultureInfo.InvariantCulture)), delivery.Body, CaughtUp: true);
                await HandAsync(state, message, handle, cancellationToken);
                progressed = true;
            }
            if (!progressed && state.LastSequence < upTo)
                throw new InvalidOperationException($"The catch-up API has nothing after {state.LastSequence} yet, though {upTo + 1} was pushed.");
        }
    }

    private async Task HandAsync(ReceiverState state, WebhookMessage message, Func<WebhookMessage, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        await handle(message, cancellationToken);
        state.Handled(message, options.RememberedIds);
        await store.SaveAsync(state, cancellationToken);
    }
}
