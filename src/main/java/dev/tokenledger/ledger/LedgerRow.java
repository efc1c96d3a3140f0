package dev.tokenledger.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.usage.UsageRecord;

/**
 * One row of the usage ledger, as written to PostgreSQL and, while it is unreachable, to the spool (as JSON).
 * Token columns are the normalised categories: {@code inputTokens} is all input, of which {@code cacheReadTokens}
 * and {@code cacheWriteTokens} were cache reads and writes and {@code inputUncached} the rest; {@code outputTokens}
 * includes {@code reasoningTokens}. {@code usageUnits} holds the finer counts by unit (JSON, see
 * {@link UsageUnits}), {@code serviceTier} the tier the provider reported; {@code priceProvider}, {@code priceModel} and
 * {@code priceMatch} say which catalogue entry priced the row and how its model name found it; {@code traceId} is the
 * request's trace while tracing is on.
 */
@RegisterForReflection // written to and read from the spool as JSON, also in the native executable
public record LedgerRow(String requestId, Instant createdAt, UUID orgId, UUID teamId, UUID keyId, String subject,
        String endUser, String inboundFormat, String operation, String requestedModel, String provider, String providerType,
        String upstreamModel, String status, String errorClass, long inputTokens, long inputUncached, long cacheReadTokens,
        long cacheWriteTokens, long outputTokens, long reasoningTokens, String usageSource, BigDecimal costExact,
        Long costMicros, String priceStatus, Long priceVersionId, long latencyMs, Long ttftMs, boolean streamed,
        boolean cached, Long savingMicros, String usageUnits, String serviceTier, String priceProvider,
        String priceModel, String priceMatch, String clientRequestId, String credentialId, String traceId) {

    /**
     * One statement per batch: every column travels as an array and {@code unnest} turns them back into rows, which
     * costs the database far less than a statement per row. The arrays are unnested in the select list, where they
     * advance together row by row; {@code unnest(a, b, ...)} in FROM would run one function scan per array, each
     * copying its column into a tuple store first (bench/README.md "PostgreSQL per ledger row": about 4 us a row of
     * the database's CPU at 512 rows a statement). It answers, in one row, how many rows it wrote and the id of the
     * transaction that wrote them (null when it wrote none).
     */
    static final String INSERT = "WITH written AS (INSERT INTO usage_event (request_id, created_at, org_id, team_id, key_id, subject, end_user, "
            + "inbound_format, operation, requested_model, provider, provider_type, upstream_model, status, error_class, "
            + "input_tokens, input_uncached, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, "
            + "usage_source, cost_exact, cost_micros, price_status, price_version_id, latency_ms, ttft_ms, streamed, cached, "
            + "saving_micros, usage_units, service_tier, price_provider, price_model, price_match, client_request_id, "
            + "credential_id, trace_id) "
            + "SELECT unnest($1::text[]), unnest($2::timestamptz[]), unnest($3::uuid[]), unnest($4::uuid[]), "
            + "unnest($5::uuid[]), unnest($6::text[]), unnest($7::text[]), unnest($8::text[]), "
            + "unnest($9::text[]), unnest($10::text[]), unnest($11::text[]), unnest($12::text[]), "
            + "unnest($13::text[]), unnest($14::text[]), unnest($15::text[]), unnest($16::bigint[]), "
            + "unnest($17::bigint[]), unnest($18::bigint[]), unnest($19::bigint[]), unnest($20::bigint[]), "
            + "unnest($21::bigint[]), unnest($22::text[]), unnest($23::text[]::numeric[]), "
            + "unnest($24::bigint[]), unnest($25::text[]), unnest($26::bigint[]), unnest($27::bigint[]), "
            + "unnest($28::bigint[]), unnest($29::boolean[]), unnest($30::boolean[]), unnest($31::bigint[]), "
            + "unnest($32::text[]::jsonb[]), unnest($33::text[]), unnest($34::text[]), unnest($35::text[]), "
            + "unnest($36::text[]), unnest($37::text[]), unnest($38::text[]), unnest($39::text[]) ON CONFLICT (request_id) DO NOTHING RETURNING 1) "
            + "SELECT count(*) AS written, pg_current_xact_id_if_assigned()::text AS transaction FROM written";

    /** A row without a client request id. */
    public LedgerRow(String requestId, Instant createdAt, UUID orgId, UUID teamId, UUID keyId, String subject,
            String endUser, String inboundFormat, String operation, String requestedModel, String provider,
            String providerType, String upstreamModel, String status, String errorClass, long inputTokens,
            long inputUncached, long cacheReadTokens, long cacheWriteTokens, long outputTokens, long reasoningTokens,
            String usageSource, BigDecimal costExact, Long costMicros, String priceStatus, Long priceVersionId,
            long latencyMs, Long ttftMs, boolean streamed, boolean cached, Long savingMicros) {
        this(requestId, createdAt, orgId, teamId, keyId, subject, endUser, inboundFormat, operation, requestedModel,
                provider, providerType, upstreamModel, status, errorClass, inputTokens, inputUncached, cacheReadTokens,
                cacheWriteTokens, outputTokens, reasoningTokens, usageSource, costExact, costMicros, priceStatus,
                priceVersionId, latencyMs, ttftMs, streamed, cached, savingMicros, null, null, null, null, null, null, null,
                null);
    }

    public static LedgerRow of(UsageRecord r) {
        Usage u = r.usage();
        long cacheRead = u.cachedPromptTokens();
        long cacheWrite = u.cacheWriteTokens();
        return new LedgerRow(r.requestId(), r.at(), r.principal().orgId(), r.principal().teamId(), r.principal().keyId(),
                r.principal().subject(), r.user(), r.inboundFormat(), r.operation(), r.requestedModel(), r.providerId(),
                r.providerType(), r.upstreamModel(), status(r.outcome()),
                r.errorKind() == null ? null : r.errorKind().name().toLowerCase(), u.promptTokens(),
                Math.max(0, u.promptTokens() - cacheRead - cacheWrite), cacheRead, cacheWrite, u.completionTokens(),
                u.reasoningTokens(), u.source().name().toLowerCase(),
                r.priced().priced() ? r.priced().cost().exactUsd() : null,
                r.priced().priced() ? r.priced().cost().micros() : null, r.priced().priced() ? "priced" : "unpriced",
                r.priced().priceVersionId(), r.durationNanos() / 1_000_000,
                r.firstTokenNanos() < 0 ? null : r.firstTokenNanos() / 1_000_000, r.streamed(), r.cached(),
                r.savingMicros(), UsageUnits.write(u), u.detail().serviceTier() == null
                        ? null
                        : dev.tokenledger.pricing.ServiceTier.normalize(u.detail().serviceTier()),
                r.priced().priceProvider(), r.priced().priceModel(), r.priced().priceMatch(), r.clientRequestId(),
                r.credentialId(), r.traceId());
    }

    private static String status(UsageRecord.Outcome outcome) {
        return switch (outcome) {
            case OK -> "ok";
            case UPSTREAM_ERROR -> "upstream_error";
            case CLIENT_CANCELLED -> "client_cancelled";
        };
    }

    /** The parameters of {@link #INSERT} for a batch: one array per column. */
    static Tuple columns(List<LedgerRow> rows) {
        int n = rows.size();
        String[] requestId = new String[n];
        OffsetDateTime[] createdAt = new OffsetDateTime[n];
        UUID[] org = new UUID[n];
        UUID[] team = new UUID[n];
        UUID[] key = new UUID[n];
        String[][] text = new String[11][n];
        Long[][] counts = new Long[6][n];
        String[] costExact = new String[n];
        Long[] costMicros = new Long[n];
        Long[] priceVersion = new Long[n];
        Long[] latency = new Long[n];
        Long[] ttft = new Long[n];
        Boolean[] streamed = new Boolean[n];
        for (int i = 0; i < n; i++) {
            LedgerRow r = rows.get(i);
            requestId[i] = r.requestId;
            createdAt[i] = OffsetDateTime.ofInstant(r.createdAt, ZoneOffset.UTC);
            org[i] = r.orgId;
            team[i] = r.teamId;
            key[i] = r.keyId;
            String[] t = {r.subject, r.endUser, r.inboundFormat, r.operation, r.requestedModel, r.provider, r.providerType,
                    r.upstreamModel, r.status, r.errorClass, r.usageSource};
            for (int c = 0; c < t.length; c++) {
                text[c][i] = t[c];
            }
            long[] k = {r.inputTokens, r.inputUncached, r.cacheReadTokens, r.cacheWriteTokens, r.outputTokens,
                    r.reasoningTokens};
            for (int c = 0; c < k.length; c++) {
                counts[c][i] = k[c];
            }
            costExact[i] = r.costExact == null ? null : r.costExact.toPlainString();
            costMicros[i] = r.costMicros;
            priceVersion[i] = r.priceVersionId;
            latency[i] = r.latencyMs;
            ttft[i] = r.ttftMs;
            streamed[i] = r.streamed;
        }
        List<Object> values = new ArrayList<>(39);
        values.add(requestId);
        values.add(createdAt);
        values.add(org);
        values.add(team);
        values.add(key);
        for (int c = 0; c < 10; c++) {
            values.add(text[c]);
        }
        for (int c = 0; c < 6; c++) {
            values.add(counts[c]);
        }
        values.add(text[10]);
        values.add(costExact);
        values.add(costMicros);
        values.add(rows.stream().map(LedgerRow::priceStatus).toArray(String[]::new));
        values.add(priceVersion);
        values.add(latency);
        values.add(ttft);
        values.add(streamed);
        values.add(rows.stream().map(LedgerRow::cached).toArray(Boolean[]::new));
        values.add(rows.stream().map(LedgerRow::savingMicros).toArray(Long[]::new));
        values.add(rows.stream().map(LedgerRow::usageUnits).toArray(String[]::new));
        values.add(rows.stream().map(LedgerRow::serviceTier).toArray(String[]::new));
        values.add(rows.stream().map(LedgerRow::priceProvider).toArray(String[]::new));
        values.add(rows.stream().map(LedgerRow::priceModel).toArray(String[]::new));
        values.add(rows.stream().map(LedgerRow::priceMatch).toArray(String[]::new));
        values.add(rows.stream().map(LedgerRow::clientRequestId).toArray(String[]::new));
        values.add(rows.stream().map(LedgerRow::credentialId).toArray(String[]::new));
        values.add(rows.stream().map(LedgerRow::traceId).toArray(String[]::new));
        return Tuple.from(values);
    }
}
