package dev.tokenledger.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.canonical.Usage;
import dev.tokenledger.ledger.UsageUnits;
import dev.tokenledger.pricing.Cost;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.PriceBook;
import dev.tokenledger.pricing.PriceVersion;
import dev.tokenledger.pricing.Pricer;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderRegistry;

/**
 * What-if repricing: what the ledger rows of a period would have cost with chosen price versions, or at a time, by the
 * one pricing path the live bill uses. Recorded rows are never changed.
 */
@Path("/admin/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Usage", description = "The usage ledger: aggregates, CSV export, single rows and repricing")
public class RepriceResource {

    private final Pool pool;
    private final PriceBook book;
    private final Pricer pricer;
    private final ProviderRegistry providers;

    @Inject
    public RepriceResource(Pool pool, PriceBook book, Pricer pricer, ProviderRegistry providers) {
        this.pool = pool;
        this.book = book;
        this.pricer = pricer;
        this.providers = providers;
    }

    public record RepriceRequest(Instant from, Instant to, List<Long> priceVersionIds, Instant at) {
    }

    public record Reprice(long requests, String recordedCostUsd, String repricedCostUsd, long unpricedRequests,
            List<Long> priceVersionIds) {
    }

    @POST
    @Path("/usage/reprice")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE})
    @Operation(operationId = "repriceUsage", summary = "What a period would have cost with given price versions (recorded rows are not changed)")
    public Uni<Reprice> reprice(RepriceRequest body) {
        if (body == null || body.from() == null || body.to() == null) {
            throw AdminErrors.invalid("from", "'from' and 'to' are required.");
        }
        Map<String, PriceVersion> chosen = new HashMap<>();
        List<Long> ids = body.priceVersionIds() == null ? List.of() : body.priceVersionIds();
        Set<Long> wanted = Set.copyOf(ids);
        for (PriceVersion v : book.all()) {
            if (wanted.contains(v.id())) {
                chosen.put(v.provider() + "/" + v.model(), v);
            }
        }
        if (chosen.size() != wanted.size()) {
            throw AdminErrors.invalid("priceVersionIds", "Unknown price version id in " + ids + ".");
        }
        Instant at = body.at() == null ? Instant.now() : body.at();
        return pool.preparedQuery("SELECT provider, provider_type, upstream_model, input_tokens, cache_read_tokens, "
                + "cache_write_tokens, output_tokens, reasoning_tokens, cost_exact, usage_units::text AS units, "
                + "service_tier, price_provider FROM usage_event WHERE created_at >= $1 AND created_at < $2")
                .execute(Tuple.of(UsageResource.utc(body.from()), UsageResource.utc(body.to()))).map(rows -> {
                    BigDecimal recorded = BigDecimal.ZERO;
                    BigDecimal repriced = BigDecimal.ZERO;
                    long count = 0;
                    long unpriced = 0;
                    for (Row r : rows) {
                        count++;
                        if (r.getBigDecimal("cost_exact") != null) {
                            recorded = recorded.add(r.getBigDecimal("cost_exact"));
                        }
                        String model = r.getString("upstream_model");
                        String provider = r.getString("provider");
                        String priceProvider = priceProvider(r);
                        Usage usage = UsageUnits.read(r.getLong("input_tokens"), r.getLong("cache_read_tokens"),
                                r.getLong("cache_write_tokens"), r.getLong("output_tokens"), r.getLong("reasoning_tokens"),
                                r.getString("units"), r.getString("service_tier"));
                        PriceVersion v = chosen.get(provider + "/" + model);
                        if (v == null && priceProvider != null) {
                            v = chosen.get(priceProvider + "/" + model);
                        }
                        BigDecimal cost;
                        try {
                            cost = v != null
                                    ? CostCalculator.cost(v.prices(), Pricer.counts(usage)).exactUsd()
                                    : Optional.ofNullable(
                                            pricer.evaluate(provider, priceProvider, model, usage, at).cost())
                                            .map(Cost::exactUsd).orElse(null);
                        } catch (IllegalArgumentException e) {
                            cost = null;
                        }
                        if (cost == null) {
                            unpriced++;
                            continue;
                        }
                        repriced = repriced.add(cost);
                    }
                    return new Reprice(count, recorded.stripTrailingZeros().toPlainString(),
                            repriced.stripTrailingZeros().toPlainString(), unpriced, ids);
                });
    }

    /**
     * The catalogue provider a row is billed from: the one recorded on the row, else (rows written before it was
     * recorded) the configured price provider of its provider for the row's model (a Vertex deployment prices Claude
     * from Anthropic's entries, Gemini from Google's), else its provider type.
     */
    private String priceProvider(Row r) {
        String recorded = r.getString("price_provider");
        if (recorded != null) {
            return recorded;
        }
        String provider = r.getString("provider");
        String model = r.getString("upstream_model");
        return provider == null
                ? null
                : providers.find(provider).map(p -> model == null ? p : p.forModel(model)).map(Provider::priceProvider)
                        .orElse(r.getString("provider_type"));
    }
}
