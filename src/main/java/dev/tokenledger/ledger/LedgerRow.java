package dev.tokenledger.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.usage.UsageRecord;

/**
 * One row of the usage ledger, as written to PostgreSQL and, while it is unreachable, to the spool (as JSON).
 * Token columns are the normalised categories: {@code inputTokens} is all input, of which {@code cacheReadTokens}
 * and {@code cacheWriteTokens} were cache reads and writes and {@code inputUncached} the rest; {@code outputTokens}
 * includes {@code reasoningTokens}.
 */
public record LedgerRow(String requestId, Instant createdAt, UUID orgId, UUID teamId, UUID keyId, String subject,
        String endUser, String inboundFormat, String operation, String requestedModel, String provider, String providerType,
        String upstreamModel, String status, String errorClass, long inputTokens, long inputUncached, long cacheReadTokens,
        long cacheWriteTokens, long outputTokens, long reasoningTokens, String usageSource, BigDecimal costExact,
        Long costMicros, String priceStatus, Long priceVersionId, long latencyMs, Long ttftMs, boolean streamed) {

    static final String INSERT = "INSERT INTO usage_event (request_id, created_at, org_id, team_id, key_id, subject, end_user, "
            + "inbound_format, operation, requested_model, provider, provider_type, upstream_model, status, error_class, "
            + "input_tokens, input_uncached, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens, "
            + "usage_source, cost_exact, cost_micros, price_status, price_version_id, latency_ms, ttft_ms, streamed) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, "
            + "$23, $24, $25, $26, $27, $28, $29) ON CONFLICT (request_id) DO NOTHING";

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
                r.firstTokenNanos() < 0 ? null : r.firstTokenNanos() / 1_000_000, r.streamed());
    }

    private static String status(UsageRecord.Outcome outcome) {
        return switch (outcome) {
            case OK -> "ok";
            case UPSTREAM_ERROR -> "upstream_error";
            case CLIENT_CANCELLED -> "client_cancelled";
        };
    }

    Tuple tuple() {
        List<Object> values = new ArrayList<>(29);
        values.add(requestId);
        values.add(OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC));
        values.add(orgId);
        values.add(teamId);
        values.add(keyId);
        values.add(subject);
        values.add(endUser);
        values.add(inboundFormat);
        values.add(operation);
        values.add(requestedModel);
        values.add(provider);
        values.add(providerType);
        values.add(upstreamModel);
        values.add(status);
        values.add(errorClass);
        values.add(inputTokens);
        values.add(inputUncached);
        values.add(cacheReadTokens);
        values.add(cacheWriteTokens);
        values.add(outputTokens);
        values.add(reasoningTokens);
        values.add(usageSource);
        values.add(costExact);
        values.add(costMicros);
        values.add(priceStatus);
        values.add(priceVersionId);
        values.add(latencyMs);
        values.add(ttftMs);
        values.add(streamed);
        return Tuple.from(values);
    }
}
