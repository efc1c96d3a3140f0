package dev.tokenledger.pricing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

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
import dev.tokenledger.coherence.StartupReads;
import dev.tokenledger.config.GatewayConfig;
import dev.tokenledger.json.Json;

/**
 * The price catalogue in memory: every version of every (provider, model), loaded from PostgreSQL at start and
 * reloaded periodically so that all replicas price alike. On first start an empty catalogue is seeded from the
 * default catalogue shipped with the gateway. Lookups never touch the database.
 */
@ApplicationScoped
public class PriceBook {

    /** Wildcard model: every model of a provider (e.g. a local server whose models are all free). */
    public static final String ANY_MODEL = "*";
    /** The columns written on insert, in order: provider, model, effective time, each unit's base price, the rest. */
    private static final List<String> INSERTED = inserted();
    static final String COLUMNS = "id, " + String.join(", ", INSERTED) + ", created_at";

    /** The column of a unit's base price. */
    static String column(Unit unit) {
        return unit == Unit.REASONING ? "reasoning_mtok" : unit.priceKey;
    }

    private static List<String> inserted() {
        List<String> columns = new ArrayList<>(List.of("provider", "model", "effective_from"));
        for (Unit unit : Unit.values()) {
            columns.add(column(unit));
        }
        columns.addAll(List.of("tiers", "source", "reason", "created_by", "service_tier", "time_of_day_start",
                "time_of_day_end", "match_rule"));
        return List.copyOf(columns);
    }

    private final Pool pool;
    private final Vertx vertx;
    private final GatewayConfig config;
    private final Changes changes;
    private final Coalesced announcedReload;

    private volatile PriceIndex index = new PriceIndex(List.of());

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

    void onStart(@Observes StartupEvent event, StartupReads startupReads) {
        startupReads.start("the price catalogue", seedIfEmpty().chain(this::reload));
        long every = config.ledger().priceRefresh().toMillis();
        vertx.setPeriodic(every, every, id -> reload().subscribe().with(v -> {
        }, e -> Log.warnf("Price catalogue reload failed: %s", e.getMessage())));
    }

    /** How a model name found its catalogue entry. */
    public enum Match {
        /** The entry's model id is the name. */
        EXACT,
        /** The entry's match clauses accept the name. */
        RULE,
        /** The provider's wildcard entry ({@link #ANY_MODEL}). */
        WILDCARD;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A catalogue version found for a model name, and how the name was matched. */
    public record Resolved(PriceVersion version, Match match) {
    }

    /**
     * The version that applies to a model at a time, for the standard tier: see {@link #resolve}. Empty means unknown,
     * never free.
     */
    public Optional<PriceVersion> find(String provider, String model, Instant at) {
        if (provider == null || model == null) {
            return Optional.empty();
        }
        return find(provider, model, ServiceTier.STANDARD, at);
    }

    /** As {@link #find(String, String, Instant)}, for the prices of a service tier. */
    public Optional<PriceVersion> find(String provider, String model, String serviceTier, Instant at) {
        if (provider == null || model == null) {
            return Optional.empty();
        }
        return resolve(provider, model, serviceTier, at).map(Resolved::version);
    }

    /**
     * The version that applies to a model name of a provider at a time and tier, and how the name found it: see
     * {@link PriceIndex#resolve}. Empty means unknown, never free.
     */
    public Optional<Resolved> resolve(String provider, String model, String serviceTier, Instant at) {
        return index.resolve(provider, model, serviceTier, at);
    }

    /** A book over fixed versions, without a database or reloads (for tools and tests). */
    public static PriceBook of(java.util.Collection<PriceVersion> versions) {
        PriceBook book = new PriceBook(null, null, null, null);
        book.index = new PriceIndex(versions);
        return book;
    }

    /** Every version of one model, newest first. */
    public List<PriceVersion> versions(String provider, String model) {
        return index.versions(provider, model);
    }

    /** Every stored version. */
    public List<PriceVersion> all() {
        return index.all();
    }

    /** The version of every (provider, model, service tier) that applies at a time. */
    public List<PriceVersion> current(Instant at) {
        return index.current(at);
    }

    public Uni<Void> reload() {
        return pool.query("SELECT " + COLUMNS + " FROM price_version").execute().map(rows -> {
            List<PriceVersion> versions = new ArrayList<>();
            for (Row row : rows) {
                versions.add(fromRow(row));
            }
            load(versions);
            return null;
        });
    }

    /** Replaces the catalogue in memory with these versions (what {@link #reload} does with the stored ones). */
    void load(List<PriceVersion> versions) {
        index = new PriceIndex(versions);
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

    /**
     * Appends many versions in one transaction, then reloads once.
     *
     * @return how many were stored (a version whose key exists already is not)
     */
    public Uni<Integer> appendAll(List<CatalogueEntry> entries, String createdBy, String reason) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Tuple> batch = entries.stream().map(e -> values(e, createdBy, reason)).toList();
        return pool.withTransaction(conn -> conn.preparedQuery(insertSql()).executeBatch(batch)).map(rows -> {
            int stored = 0;
            for (RowSet<Row> set = rows; set != null; set = set.next()) {
                stored += set.rowCount();
            }
            return stored;
        }).call(this::reload);
    }

    Uni<Optional<PriceVersion>> insert(CatalogueEntry entry, String createdBy, String reason) {
        return pool.preparedQuery(insertSql()).execute(values(entry, createdBy, reason))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(fromRow(rows.iterator().next())) : Optional.empty());
    }

    private static Tuple values(CatalogueEntry entry, String createdBy, String reason) {
        PriceSheet p = entry.prices();
        Tuple values = Tuple.tuple(List.of(entry.provider(), entry.model(),
                OffsetDateTime.ofInstant(entry.effectiveFrom(), ZoneOffset.UTC)));
        for (Unit unit : Unit.values()) {
            values.addValue(base(p.price(unit)));
        }
        return values.addValue(tiers(p)).addValue(entry.source()).addValue(reason).addValue(createdBy)
                .addValue(entry.serviceTier())
                .addValue(entry.timeOfDay() == null ? null : entry.timeOfDay().start())
                .addValue(entry.timeOfDay() == null ? null : entry.timeOfDay().end())
                .addValue(entry.match() == null
                        ? null
                        : new JsonObject(Json.MAPPER.convertValue(entry.match().toJson(),
                                Map.class)));
    }

    private static String insertSql() {
        StringBuilder params = new StringBuilder();
        for (int i = 1; i <= INSERTED.size(); i++) {
            params.append(i == 1 ? "$" : ", $").append(i);
        }
        return "INSERT INTO price_version (" + String.join(", ", INSERTED) + ") VALUES (" + params
                + ") ON CONFLICT DO NOTHING RETURNING " + COLUMNS;
    }

    private Uni<Void> seedIfEmpty() {
        return pool.query("SELECT count(*) FROM price_version").execute().chain(rows -> {
            if (rows.iterator().next().getLong(0) > 0) {
                return Uni.createFrom().voidItem();
            }
            Seed seed = defaultCatalogue();
            if (seed.entries().isEmpty()) {
                Log.warn("No default price catalogue is packaged: every model is unpriced until prices are added");
                return Uni.createFrom().voidItem();
            }
            Log.infof("Seeding the price catalogue with %d versions from %s and the gateway's own entries "
                    + "(%d models of the snapshot skipped)", seed.entries().size(), seed.source(), seed.skipped().size());
            seed.skipped().forEach(s -> Log.infof("Default catalogue: skipped %s", s));
            return appendAll(seed.entries(), "default-catalogue", "initial catalogue").replaceWithVoid();
        });
    }

    /** The packaged default catalogue: its entries, the snapshot's source and what the snapshot import skipped. */
    public record Seed(List<CatalogueEntry> entries, String source, List<String> skipped) {
    }

    /**
     * The packaged default catalogue: the bundled genai-prices snapshot ({@code prices/genai-prices.json}, its source
     * and date in {@code prices/genai-prices.properties}), then the gateway's own entries
     * ({@code prices/default-catalogue.json}: the free local servers).
     */
    public static Seed defaultCatalogue() {
        List<CatalogueEntry> entries = new ArrayList<>();
        List<String> skipped = List.of();
        String source = null;
        try (InputStream props = PriceBook.class.getResourceAsStream("/prices/genai-prices.properties");
                InputStream snapshot = PriceBook.class.getResourceAsStream("/prices/genai-prices.json")) {
            if (props != null && snapshot != null) {
                Properties p = new Properties();
                p.load(props);
                source = p.getProperty("source") + " (published " + p.getProperty("published") + ")";
                ImportResult imported = GenaiPricesImporter.parse(snapshot, source);
                entries.addAll(imported.entries());
                skipped = imported.skipped();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (InputStream own = PriceBook.class.getResourceAsStream("/prices/default-catalogue.json")) {
            if (own != null) {
                entries.addAll(CatalogueFormat.read(own));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Seed(entries, source, skipped);
    }

    private static BigDecimal base(UnitPrice price) {
        return price == null ? null : price.base();
    }

    /** Tier steps of every tiered unit as {@code {"input":[{"start":200000,"price":"6"}], ...}}, or null. */
    static JsonObject tiers(PriceSheet p) {
        ObjectNode tiers = Json.NODES.objectNode();
        for (Unit unit : Unit.values()) {
            addTiers(tiers, unit.catalogueKey, p.price(unit));
        }
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
        Map<Unit, UnitPrice> units = new java.util.EnumMap<>(Unit.class);
        for (Unit unit : Unit.values()) {
            units.put(unit, unit(row.getBigDecimal(column(unit)), t.get(unit.catalogueKey)));
        }
        java.time.LocalTime start = row.getLocalTime("time_of_day_start");
        java.time.LocalTime end = row.getLocalTime("time_of_day_end");
        JsonObject match = row.getJsonObject("match_rule");
        return new PriceVersion(row.getLong("id"), row.getString("provider"), row.getString("model"),
                row.getOffsetDateTime("effective_from").toInstant(), new PriceSheet(units), row.getString("source"),
                row.getString("reason"), row.getString("created_by"), row.getOffsetDateTime("created_at").toInstant(),
                row.getString("service_tier"), start == null || end == null ? null : new TimeOfDay(start, end),
                match == null ? null : MatchRule.parse(Json.toNode(match.getMap())));
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
