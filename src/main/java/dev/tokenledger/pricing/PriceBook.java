package dev.tokenledger.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import dev.tokenledger.coherence.Change;
import dev.tokenledger.coherence.Changes;
import dev.tokenledger.coherence.KeptCurrent;
import dev.tokenledger.coherence.StartupReads;
import dev.tokenledger.config.GatewayConfig;

/**
 * The price catalogue in memory: every version of every (provider, model), loaded from PostgreSQL at start and
 * reloaded periodically so that all replicas price alike. On first start an empty catalogue is seeded from the
 * default catalogue shipped with the gateway ({@link DefaultCatalogue}). Lookups never touch the database; price
 * selection is {@link PriceIndex}'s, the stored form of a version {@link PriceRows}': this class only runs the queries.
 */
@ApplicationScoped
public class PriceBook {

    /** Wildcard model: every model of a provider (e.g. a local server whose models are all free). */
    public static final String ANY_MODEL = "*";

    private final Pool pool;
    private final Changes changes;
    private final KeptCurrent current;

    private volatile PriceIndex index = new PriceIndex(List.of());

    @Inject
    public PriceBook(Pool pool, Changes changes) {
        this.pool = pool;
        this.changes = changes;
        this.current = new KeptCurrent("Price catalogue", Change.Kind.PRICES, this::reload);
    }

    /** Prices changed through another replica (or announcements may have been missed). */
    void onChange(@Observes Change change) {
        current.changed(change);
    }

    void onStart(@Observes StartupEvent event, StartupReads startupReads, Vertx vertx, GatewayConfig config) {
        current.start(startupReads, "the price catalogue", seedIfEmpty().chain(this::reload), vertx,
                config.ledger().priceRefresh());
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
        return find(provider, model, ServiceTier.STANDARD, at);
    }

    /** As {@link #find(String, String, Instant)}, for the prices of a service tier. */
    public Optional<PriceVersion> find(String provider, String model, String serviceTier, Instant at) {
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
        PriceBook book = new PriceBook(null, null);
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
        return pool.query("SELECT " + PriceRows.COLUMNS + " FROM price_version").execute().map(rows -> {
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
     * Appends many versions in one transaction, then reloads once and, when any was stored, announces the change, so
     * that every replica prices with them at once (as after {@link #append}).
     *
     * @return how many were stored (a version whose key exists already is not)
     */
    public Uni<Integer> appendAll(List<CatalogueEntry> entries, String createdBy, String reason) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Tuple> batch = entries.stream().map(e -> PriceRows.values(e, createdBy, reason)).toList();
        return pool.withTransaction(conn -> conn.preparedQuery(PriceRows.INSERT).executeBatch(batch)).map(rows -> {
            int stored = 0;
            for (RowSet<Row> set = rows; set != null; set = set.next()) {
                stored += set.rowCount();
            }
            return stored;
        }).call(this::reload).call(stored -> stored > 0
                ? changes.announce(Change.of(Change.Kind.PRICES))
                : Uni.createFrom().voidItem());
    }

    Uni<Optional<PriceVersion>> insert(CatalogueEntry entry, String createdBy, String reason) {
        return pool.preparedQuery(PriceRows.INSERT).execute(PriceRows.values(entry, createdBy, reason))
                .map(rows -> rows.iterator().hasNext() ? Optional.of(fromRow(rows.iterator().next())) : Optional.empty());
    }

    private Uni<Void> seedIfEmpty() {
        return pool.query("SELECT count(*) FROM price_version").execute().chain(rows -> {
            if (rows.iterator().next().getLong(0) > 0) {
                return Uni.createFrom().voidItem();
            }
            DefaultCatalogue.Seed seed = DefaultCatalogue.load();
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

    private static PriceVersion fromRow(Row row) {
        return new PriceVersion(row.getLong("id"), row.getString("provider"), row.getString("model"),
                row.getOffsetDateTime("effective_from").toInstant(),
                PriceRows.sheet(row::getBigDecimal, row.getJsonObject("tiers")), row.getString("source"),
                row.getString("reason"), row.getString("created_by"), row.getOffsetDateTime("created_at").toInstant(),
                row.getString("service_tier"),
                PriceRows.window(row.getLocalTime("time_of_day_start"), row.getLocalTime("time_of_day_end")),
                PriceRows.match(row.getJsonObject("match_rule")));
    }
}
