package dev.tokenledger.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.Changes;
import dev.tokenledger.coherence.Coalesced;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.wire.Json;

/**
 * The price catalogue in memory: every version of every (provider, model), loaded from PostgreSQL at start and
 * reloaded periodically so that all replicas price alike. On first start an empty catalogue is seeded from the
 * default catalogue shipped with the gateway. Lookups never touch the database.
 */
@ApplicationScoped
public class PriceBook {

    /** Wildcard model: every model of a provider (e.g. a local server whose models are all free). */
    public static final String ANY_MODEL = "*";
    private static final Pattern DATE_SUFFIX = Pattern.compile("(-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|@\\d{8})$");
    static final String COLUMNS = "id, provider, model, effective_from, input_mtok, cache_read_mtok, cache_write_mtok, "
            + "cache_write_1h_mtok, output_mtok, reasoning_mtok, tiers, source, reason, created_by, created_at";

    private final Pool pool;
    private final Vertx vertx;
    private final GatewayConfig config;
    private final Changes changes;
    private final Coalesced announcedReload;

    private volatile Map<String, List<PriceVersion>> index = Map.of();

    @Inject
    public PriceBook(Pool pool, Vertx vertx, GatewayConfig config, Changes changes) {
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
        this.changes = changes;
        this.announcedReload = new Coalesced("Price catalogue", this::reload);
    }

    /** Prices changed through another replica (or announcements may have been missed). */
    void onChange(@Observes Change change) {
        if (change.kind() == Change.Kind.PRICES || change.kind() == Change.Kind.ALL) {
            announcedReload.request();
        }
    }

    void onStart(@Observes StartupEvent event) {
        seedIfEmpty().chain(this::reload).await().indefinitely();
        long every = config.ledger().priceRefresh().toMillis();
        vertx.setPeriodic(every, every, id -> reload().subscribe().with(v -> {
        }, e -> Log.warnf("Price catalogue reload failed: %s", e.getMessage())));
    }

    /**
     * The version that applies to a model at a time: exact model name, else the name without a date suffix (a dated
     * snapshot of a priced model), else the provider's wildcard entry. Empty means unknown, never free.
     */
    public Optional<PriceVersion> find(String provider, String model, Instant at) {
        if (provider == null || model == null) {
            return Optional.empty();
        }
        Optional<PriceVersion> found = at(index.get(key(provider, model)), at);
        if (found.isEmpty()) {
            String undated = DATE_SUFFIX.matcher(model).replaceFirst("");
            if (!undated.equals(model)) {
                found = at(index.get(key(provider, undated)), at);
            }
        }
        return found.isPresent() ? found : at(index.get(key(provider, ANY_MODEL)), at);
    }

    /** Every version of one model, newest first. */
    public List<PriceVersion> versions(String provider, String model) {
        return index.getOrDefault(key(provider, model), List.of());
    }

    /** Every stored version. */
    public List<PriceVersion> all() {
        List<PriceVersion> result = new ArrayList<>();
        index.values().forEach(result::addAll);
        return result;
    }

    /** The version of every (provider, model) that applies now. */
    public List<PriceVersion> current(Instant at) {
        List<PriceVersion> result = new ArrayList<>();
        index.values().forEach(list -> at(list, at).ifPresent(result::add));
        result.sort(Comparator.comparing(PriceVersion::provider).thenComparing(PriceVersion::model));
        return result;
    }

    private static Optional<PriceVersion> at(List<PriceVersion> versions, Instant at) {
        if (versions == null) {
            return Optional.empty();
        }
        for (PriceVersion v : versions) {
            if (!v.effectiveFrom().isAfter(at)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static String key(String provider, String model) {
        return provider + '\u0000' + model;
    }

    public Uni<Void> reload() {
        return pool.query("SELECT " + COLUMNS + " FROM price_version").execute().map(rows -> {
            Map<String, List<PriceVersion>> next = new HashMap<>();
            for (Row row : rows) {
                PriceVersion v = fromRow(row);
                next.computeIfAbsent(key(v.provider(), v.model()), k -> new ArrayList<>()).add(v);
            }
            next.values().forEach(list -> list.sort(Comparator.comparing(PriceVersion::effectiveFrom).reversed()));
            index = next;
            return null;
        });
    }

    /**
     * Appends a version (the catalogue is append-only).
     *
     * @return the stored version, or empty when the same (provider, model, effective time) already exists
     */
    public Uni<Optional<PriceVersion>> append(CatalogueEntry entry, String createdBy, String reason) {
        return insert(entry, createdBy, reason).call(this::reload)
                .call(() -> changes.announce(Change.of(Change.Kind.PRICES)));
    }

    Uni<Optional<PriceVersion>> insert(CatalogueEntry entry, String createdBy, String reason) {
        PriceSheet p = entry.prices();
        Tuple values = Tuple.tuple(List.of(entry.provider(), entry.model(),
                OffsetDateTime.ofInstant(entry.effectiveFrom(), ZoneOffset.UTC), p.input().base()))
                .addValue(base(p.cacheRead())).addValue(base(p.cacheWrite())).addValue(base(p.cacheWrite1h()))
                .addValue(p.output().base()).addValue(base(p.reasoning())).addValue(tiers(p))
                .addValue(entry.source()).addValue(reason).addValue(createdBy);
        return pool.preparedQuery("INSERT INTO price_version (provider, model, effective_from, input_mtok, cache_read_mtok, "
                + "cache_write_mtok, cache_write_1h_mtok, output_mtok, reasoning_mtok, tiers, source, reason, created_by) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                + "ON CONFLICT (provider, model, effective_from) DO NOTHING RETURNING " + COLUMNS)
                .execute(values)
                .map(rows -> rows.iterator().hasNext() ? Optional.of(fromRow(rows.iterator().next())) : Optional.empty());
    }

    private Uni<Void> seedIfEmpty() {
        return pool.query("SELECT count(*) FROM price_version").execute().chain(rows -> {
            if (rows.iterator().next().getLong(0) > 0) {
                return Uni.createFrom().voidItem();
            }
            List<CatalogueEntry> entries;
            try (InputStream in = PriceBook.class.getResourceAsStream("/prices/default-catalogue.json")) {
                if (in == null) {
                    Log.warn("No default price catalogue is packaged: every model is unpriced until prices are added");
                    return Uni.createFrom().voidItem();
                }
                entries = CatalogueFormat.read(in);
            } catch (IOException e) {
                return Uni.createFrom().failure(e);
            }
            Log.infof("Seeding the price catalogue with %d default entries", entries.size());
            Uni<RowSet<Row>> chain = Uni.createFrom().nullItem();
            for (CatalogueEntry entry : entries) {
                chain = chain.chain(
                        ignored -> insert(entry, "default-catalogue", "initial catalogue").replaceWith((RowSet<Row>) null));
            }
            return chain.replaceWithVoid();
        });
    }

    private static BigDecimal base(UnitPrice price) {
        return price == null ? null : price.base();
    }

    /** Tier steps of every tiered unit as {@code {"input":[{"start":200000,"price":"6"}], ...}}, or null. */
    static JsonObject tiers(PriceSheet p) {
        ObjectNode tiers = Json.NODES.objectNode();
        addTiers(tiers, "input", p.input());
        addTiers(tiers, "cacheRead", p.cacheRead());
        addTiers(tiers, "cacheWrite", p.cacheWrite());
        addTiers(tiers, "cacheWrite1h", p.cacheWrite1h());
        addTiers(tiers, "output", p.output());
        addTiers(tiers, "reasoning", p.reasoning());
        return tiers.isEmpty() ? null : new JsonObject(Json.MAPPER.convertValue(tiers, Map.class));
    }

    private static void addTiers(ObjectNode tiers, String unit, UnitPrice price) {
        if (price != null && !price.tiers().isEmpty()) {
            ArrayNode steps = tiers.putArray(unit);
            price.tiers().forEach(t -> steps.addObject().put("start", t.start()).put("price", t.price().toPlainString()));
        }
    }

    static PriceVersion fromRow(Row row) {
        JsonObject tiers = row.getJsonObject("tiers");
        JsonNode t = tiers == null ? Json.NODES.objectNode() : Json.toNode(tiers.getMap());
        PriceSheet sheet = new PriceSheet(unit(row.getBigDecimal("input_mtok"), t.get("input")),
                unit(row.getBigDecimal("cache_read_mtok"), t.get("cacheRead")),
                unit(row.getBigDecimal("cache_write_mtok"), t.get("cacheWrite")),
                unit(row.getBigDecimal("cache_write_1h_mtok"), t.get("cacheWrite1h")),
                unit(row.getBigDecimal("output_mtok"), t.get("output")),
                unit(row.getBigDecimal("reasoning_mtok"), t.get("reasoning")));
        return new PriceVersion(row.getLong("id"), row.getString("provider"), row.getString("model"),
                row.getOffsetDateTime("effective_from").toInstant(), sheet, row.getString("source"), row.getString("reason"),
                row.getString("created_by"), row.getOffsetDateTime("created_at").toInstant());
    }

    private static UnitPrice unit(BigDecimal base, JsonNode steps) {
        if (base == null) {
            return null;
        }
        List<TierStep> tiers = new ArrayList<>();
        if (steps != null) {
            steps.forEach(s -> tiers.add(new TierStep(s.path("start").asLong(), new BigDecimal(s.path("price").asText()))));
        }
        return new UnitPrice(base.stripTrailingZeros(), tiers);
    }
}
