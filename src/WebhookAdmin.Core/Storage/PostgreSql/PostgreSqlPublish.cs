using Npgsql;
using NpgsqlTypes;
using WebhookAdmin.Core.Delivery;
using static WebhookAdmin.Core.Storage.PostgreSql.PostgreSqlDeliveryStore;

namespace WebhookAdmin.Core.Storage.PostgreSql;

/// <summary>
/// A batch's publishes as statements that go out in the batch's single round trip: the companies' locks, the caller ids
/// seen before, and one statement that draws the numbers and inserts the events and their deliveries.
/// </summary>
/// <remarks>
/// <para>Everything is decided by the database, under the locks, so nothing waits for the app between taking a company's
/// lock and committing: the lock is held for the statements' own time, not for two round trips and the app's work in
/// between (what held one company's publishing to about 2,600 events/s, and one caller's durable publish to 1.7 ms).</para>
/// <para>Numbers are drawn under the locks in the order given, so within a company sequences follow that order and
/// commit in it.</para>
/// </remarks>
internal sealed class PostgreSqlPublish
{
    private readonly List<EventWrite> _events;
    private readonly List<EventWrite> _candidates = [];
    private readonly Dictionary<EventWrite, int> _candidateIndex = [];
    private readonly Dictionary<(string Company, string Caller), EventWrite> _firstInBatch = [];
    private readonly int _companies;
    private readonly bool _asksAboutCallers;

    /// <summary>The events already stored under the batch's caller ids (a test looks at its plan).</summary>
    /// <remarks>
    /// Both statements look events up one caller id at a time (a LATERAL … LIMIT 1, a scalar subquery), never as a join:
    /// a prepared statement's generic plan is kept for the connection's life, and one planned while <c>Events</c> was
    /// small hashed the whole table on every publish.
    /// </remarks>
    internal const string CallerIdsSql = """
        SELECT e."CompanyId", e."CallerId", e."Sequence", e."PublishedAt", e."Deliveries"
        FROM unnest($1::text[], $2::text[]) AS u(company, caller)
        CROSS JOIN LATERAL (
            SELECT * FROM "Events" AS e WHERE e."CompanyId" = u.company AND e."CallerId" = u.caller AND e."CallerId" IS NOT NULL LIMIT 1) AS e
        """;

    /// <summary>Draws the numbers and stores the new events and their deliveries (a test looks at its plan).</summary>
    /// <remarks>
    /// It also answers, per webhook, the highest sequence pending before the batch (a seek at the end of the pending
    /// index), read under the company's lock, so it includes every delivery of the webhook committed before these: the
    /// lane holding the webhook here takes the new deliveries in hand when it knows that one, instead of reading them back
    /// (<see cref="QueuedDelivery.PendingBefore"/>).
    /// Each webhook's counter moves once per batch by its count of new deliveries, and they are numbered below the new
    /// value in sequence order: under the company's lock (a webhook is one company's), so numbers follow commit order.
    /// </remarks>
    internal const string PublishSql = """
        WITH input AS (
            SELECT * FROM unnest($1::int[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::bigint[], $7::int[], $8::bytea[], $9::varchar[])
                AS u(ord, company, caller, type, event, at, deliveries, body, trace)
            WHERE u.caller IS NULL
               OR (SELECT 1 FROM "Events" AS e WHERE e."CompanyId" = u.company AND e."CallerId" = u.caller LIMIT 1) IS NULL),
        numbered AS (
            SELECT *, nextval((SELECT pg_get_serial_sequence('"Events"', 'Sequence')::regclass)) AS seq FROM input ORDER BY ord),
        events AS (
            INSERT INTO "Events" ("Sequence", "CompanyId", "CallerId", "Type", "Event", "PublishedAt", "Deliveries", "Body", "TraceParent")
            SELECT seq, company, caller, type, event, at, deliveries, body, trace FROM numbered),
        matched AS (
            SELECT l.webhook, l.pos, n.seq, n.at,
                row_number() OVER (PARTITION BY l.webhook ORDER BY n.seq) AS rank, count(*) OVER (PARTITION BY l.webhook) AS total
            FROM unnest($10::int[], $11::varchar[]) WITH ORDINALITY AS l(ord, webhook, pos) JOIN numbered AS n ON n.ord = l.ord),
        counters AS (
            INSERT INTO "WebhookCounters" AS c ("WebhookId", "LastSequence")
            SELECT webhook, count(*) FROM matched GROUP BY webhook ORDER BY webhook
            ON CONFLICT ("WebhookId") DO UPDATE SET "LastSequence" = c."LastSequence" + excluded."LastSequence"
            RETURNING c."WebhookId", c."LastSequence"),
        logs AS (
            INSERT INTO "WebhookLogs" ("Id", "WebhookId", "CreatedAt", "Status", "Retry", "Response", "Version", "Sequence", "WebhookSequence", "State", "NextAttemptAt", "ManualAttemptRequested")
            SELECT nextval((SELECT pg_get_serial_sequence('"WebhookLogs"', 'Id')::regclass)), m.webhook, m.at, 0, 0, '', 0, m.seq,
                c."LastSequence" - m.total + m.rank, 0, m.at, false
            FROM matched AS m JOIN counters AS c ON c."WebhookId" = m.webhook
            ORDER BY m.pos
            RETURNING "Id", "WebhookId", "Sequence", "WebhookSequence")
        SELECT ord, seq, NULL::bigint, NULL::varchar, NULL::bigint FROM numbered
        UNION ALL
        SELECT NULL, "Sequence", "Id", "WebhookId", "WebhookSequence" FROM logs
        UNION ALL
        SELECT NULL, (SELECT max(p."Sequence") FROM "WebhookLogs" AS p WHERE p."WebhookId" = w.webhook AND p."State" = 0), NULL, w.webhook, NULL
        FROM (SELECT DISTINCT webhook FROM unnest($11::varchar[]) AS webhook) AS w
        """;

    /// <summary>Adds the statements to <paramref name="writes"/>, after its BEGIN.</summary>
    public PostgreSqlPublish(List<EventWrite> events, NpgsqlBatch writes)
    {
        _events = events;
        // A caller id given twice in one batch is stored once: the first one is the candidate, the others repeat its answer.
        foreach (var write in events)
        {
            if (write.CallerId is { } caller && !_firstInBatch.TryAdd((write.CompanyId, caller), write))
                continue;
            _candidateIndex[write] = _candidates.Count;
            _candidates.Add(write);
        }

        // One company at a time, in a fixed order, so two writers never wait for each other in a circle.
        var companies = events.Select(e => e.CompanyId).Distinct().Order(StringComparer.Ordinal).ToArray();
        _companies = companies.Length;
        foreach (var company in companies)
            writes.BatchCommands.Add(Command("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", company));

        var withCaller = _candidates.Where(e => e.CallerId is not null).ToArray();
        _asksAboutCallers = withCaller.Length > 0;
        if (_asksAboutCallers)
        {
            writes.BatchCommands.Add(Command(CallerIdsSql, withCaller.Select(e => e.CompanyId).ToArray(), withCaller.Select(e => e.CallerId!).ToArray()));
        }

        var logEvents = new List<int>();
        var logWebhooks = new List<string>();
        for (var i = 0; i < _candidates.Count; i++)
        {
            foreach (var webhookId in _candidates[i].WebhookIds)
            {
                logEvents.Add(i);
                logWebhooks.Add(webhookId);
            }
        }

        // Numbers are drawn in the order given: since PostgreSQL 9.6 a SELECT's output (the nextval() calls) is computed
        // after its ORDER BY sort. Each sequence is named once per statement (a subquery, so an InitPlan): written inside
        // nextval(), pg_get_serial_sequence() was looked up in the catalogue for every row (2,000 events: 50 → 38 ms).
        // "numbered" is read three times and volatile, so it is computed once. A caller id seen before is skipped here
        // exactly as the SELECT above reports it: both run under the company's lock.
        writes.BatchCommands.Add(Command(PublishSql,
            Enumerable.Range(0, _candidates.Count).ToArray(), _candidates.Select(e => e.CompanyId).ToArray(), _candidates.Select(e => e.CallerId).ToArray(),
            _candidates.Select(e => e.Type).ToArray(), _candidates.Select(e => e.EventName).ToArray(),
            _candidates.Select(e => UnixTime.ToMilliseconds(e.PublishedAt)).ToArray(), _candidates.Select(e => e.WebhookIds.Count).ToArray(),
            new NpgsqlParameter { Value = _candidates.Select(e => e.Body).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
            _candidates.Select(e => e.TraceParent).ToArray(), logEvents.ToArray(), logWebhooks.ToArray()));
    }

    /// <summary>
    /// Reads the answers (the reader is on the batch's first result, the first company's lock) and returns what to tell
    /// each write once the batch has committed: a failed batch must leave every write as it was, ready to retry.
    /// </summary>
    public async Task<IReadOnlyList<Action>> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        for (var i = 1; i < _companies; i++)
            await reader.NextResultAsync(cancellationToken);

        var seen = new Dictionary<(string Company, string Caller), (long Sequence, DateTime At, int Deliveries)>();
        if (_asksAboutCallers)
        {
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                seen[(reader.GetString(0), reader.GetString(1))] = (reader.GetInt64(2), UnixTime.FromMilliseconds(reader.GetInt64(3)), reader.GetInt32(4));
        }

        await reader.NextResultAsync(cancellationToken);
        var sequences = new Dictionary<int, long>();
        var logIds = new Dictionary<(long Sequence, string WebhookId), (long Id, long WebhookSequence)>();
        var pendingBefore = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(0))
                sequences[reader.GetInt32(0)] = reader.GetInt64(1);
            else if (!reader.IsDBNull(2))
                logIds[(reader.GetInt64(1), reader.GetString(3))] = (reader.GetInt64(2), reader.GetInt64(4));
            else
                pendingBefore[reader.GetString(3)] = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
        }

        var results = new List<Action>(_events.Count);
        var repeatsInBatch = new List<Action>();
        foreach (var write in _events)
        {
            if (write.CallerId is { } caller)
            {
                if (seen.TryGetValue((write.CompanyId, caller), out var before))
                {
                    results.Add(() => write.StoredBefore(before.Sequence, before.At, before.Deliveries));
                    continue;
                }
                var first = _firstInBatch[(write.CompanyId, caller)];
                if (!ReferenceEquals(first, write))
                {
                    // After the first one's own result, which it repeats.
                    repeatsInBatch.Add(() => write.StoredBefore(first.Sequence, first.PublishedAt, first.Deliveries));
                    continue;
                }
            }
            if (!sequences.TryGetValue(_candidateIndex[write], out var sequence))
                throw new InvalidOperationException($"An event of company {write.CompanyId} was neither stored nor found stored before.");
            // Another instance may have committed deliveries of the same webhooks just before these, whose NOTIFY has not
            // arrived: each says what was pending before the batch, and a lane that does not know that one reads both from
            // storage, in order (publishing is serialised per company, so commit order is sequence order).
            var deliveries = write.WebhookIds
                .Select(webhookId =>
                {
                    var log = logIds[(sequence, webhookId)];
                    return new QueuedDelivery(log.Id, webhookId, sequence, log.WebhookSequence, write.PublishedAt, write.Body)
                    {
                        TraceParent = write.TraceParent,
                        PendingBefore = pendingBefore[webhookId],
                    };
                })
                .ToList();
            results.Add(() => write.Stored(sequence, deliveries, handedToLanes: true));
        }
        results.AddRange(repeatsInBatch);
        return results;
    }
}
