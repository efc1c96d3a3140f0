package dev.tokenledger.admin;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.smallrye.mutiny.Uni;

import dev.tokenledger.audit.AuditEntry;
import dev.tokenledger.audit.AuditedChange;
import dev.tokenledger.canonical.Usage;
import dev.tokenledger.pricing.CatalogueDiff;
import dev.tokenledger.pricing.CatalogueEntry;
import dev.tokenledger.pricing.Cost;
import dev.tokenledger.pricing.GenaiPricesImporter;
import dev.tokenledger.pricing.ImportResult;
import dev.tokenledger.pricing.LiteLlmImporter;
import dev.tokenledger.pricing.PriceBook;
import dev.tokenledger.pricing.PricedUsage;
import dev.tokenledger.pricing.Pricer;
import dev.tokenledger.pricing.ServiceTier;
import dev.tokenledger.pricing.TimeOfDay;
import dev.tokenledger.provider.Provider;
import dev.tokenledger.provider.ProviderRegistry;

/**
 * The price catalogue: current prices, version history, new versions (append-only, with author and reason), imports
 * of the public genai-prices and LiteLLM files, and quotes that let anyone check a bill.
 */
@Path("/admin/v1/prices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Prices", description = "The versioned price catalogue: current prices, versions, imports and quotes")
public class PricesResource {

    private final PriceBook book;
    private final AdminScope scope;
    private final Pricer pricer;
    private final ProviderRegistry providers;

    @Inject
    public PricesResource(PriceBook book, AdminScope scope, Pricer pricer, ProviderRegistry providers) {
        this.book = book;
        this.scope = scope;
        this.pricer = pricer;
        this.providers = providers;
    }

    /**
     * Prices per million tokens as decimal strings; a null unit is not priced separately. {@code units} prices the
     * other units by their catalogue names ({@code cacheWrite5m, inputAudio, cacheAudioRead, inputImage,
     * cacheImageRead, inputVideo, inputTool, outputAudio, outputImage, outputVideo, outputCitation}; {@code requests}
     * and {@code webSearches} per thousand; {@code credits} per credit).
     */
    public record Prices(BigDecimal inputMtok, BigDecimal cacheReadMtok, BigDecimal cacheWriteMtok,
            BigDecimal cacheWrite1hMtok, BigDecimal outputMtok, BigDecimal reasoningMtok, Map<String, BigDecimal> units) {
    }

    /** Above {@code start} input tokens (exclusive), these prices apply to every token of the request. */
    public record Tier(long start, Prices prices) {
    }

    /** A new version; {@code serviceTier} (default standard) for priority, flex or batch prices. */
    public record NewVersion(String provider, String model, Instant effectiveFrom, Prices prices, List<Tier> tiers,
            String reason, String serviceTier) {
    }

    public record VersionView(long id, String provider, String model, Instant effectiveFrom, Prices prices,
            List<Tier> tiers, String source, String reason, String createdBy, Instant createdAt, String serviceTier) {
    }

    /**
     * A usage to quote, counted as the ledger counts it: {@code input_tokens} is all input (cache reads and writes,
     * audio, images, video and tool-use prompt included), {@code output_tokens} all output (reasoning, audio and
     * images included); every other count is a part of one of them. {@code input_audio_seconds} and
     * {@code output_audio_seconds} are seconds of audio billed by duration, {@code credits} the credits billed
     * instead of tokens (Kiro). {@code service_tier} is the tier reported by
     * the provider (standard when absent).
     */
    public record QuoteUsage(@JsonProperty("input_tokens") long inputTokens,
            @JsonProperty("cached_input_tokens") long cachedInputTokens,
            @JsonProperty("cache_write_tokens") long cacheWriteTokens,
            @JsonProperty("cache_write_1h_tokens") long cacheWrite1hTokens,
            @JsonProperty("output_tokens") long outputTokens, @JsonProperty("reasoning_tokens") long reasoningTokens,
            @JsonProperty("input_audio_tokens") long inputAudioTokens,
            @JsonProperty("cached_audio_tokens") long cachedAudioTokens,
            @JsonProperty("input_image_tokens") long inputImageTokens,
            @JsonProperty("cached_image_tokens") long cachedImageTokens,
            @JsonProperty("input_video_tokens") long inputVideoTokens,
            @JsonProperty("tool_prompt_tokens") long toolPromptTokens,
            @JsonProperty("output_audio_tokens") long outputAudioTokens,
            @JsonProperty("output_image_tokens") long outputImageTokens,
            @JsonProperty("web_searches") long webSearches, @JsonProperty("service_tier") String serviceTier,
            @JsonProperty("input_audio_seconds") long inputAudioSeconds,
            @JsonProperty("output_audio_seconds") long outputAudioSeconds,
            @JsonProperty("credits") @Schema(description = "Credits billed instead of tokens (Kiro), a decimal of at most "
                    + "6 places, e.g. 0.0123") BigDecimal credits) {

        /** The canonical usage the gateway would have recorded; a 400 for credits it could not have recorded. */
        public Usage toUsage() {
            long microCredits = 0;
            if (credits != null) {
                if (credits.signum() < 0 || credits.stripTrailingZeros().scale() > 6
                        || credits.compareTo(BigDecimal.valueOf(1_000_000_000)) > 0) {
                    throw AdminErrors.invalid("usage.credits", "'usage.credits' is a number of credits from 0 to "
                            + "1000000000 with at most 6 decimal places.");
                }
                microCredits = credits.movePointRight(6).longValueExact();
            }
            return new Usage(inputTokens, cachedInputTokens, cacheWriteTokens, outputTokens, reasoningTokens,
                    Usage.Source.PROVIDER, new Usage.Detail(cacheWrite1hTokens, inputAudioTokens, cachedAudioTokens,
                            inputImageTokens, cachedImageTokens, inputVideoTokens, toolPromptTokens, outputAudioTokens,
                            outputImageTokens, webSearches, serviceTier, inputAudioSeconds, outputAudioSeconds,
                            microCredits));
        }
    }

    /**
     * {@code provider} is a configured provider id (priced as its deployments are billed: its own id, then its
     * configured price provider) or a catalogue provider.
     */
    public record QuoteRequest(String provider, String model, QuoteUsage usage, Instant at) {
    }

    /** A quote, and the catalogue entry that priced it ({@code priceMatch}: exact, rule or wildcard). */
    public record Quote(String costUsd, long costMicros, long priceVersionId, Map<String, String> breakdown,
            String priceProvider, String priceModel, String priceMatch) {
    }

    /**
     * What an import changed (or, in a dry run, would change): counts of versions added for new models, changed
     * (a new version of a known model), unchanged and skipped; {@code skipped} gives each skip with its reason and
     * {@code changes} every version written or that would be written.
     */
    public record ImportSummary(String format, boolean dryRun, int added, int changed, int unchanged, List<String> skipped,
            List<ImportChange> changes) {
    }

    /** One version an import writes: where it starts, its daily window if any, and why. */
    public record ImportChange(String kind, String provider, String model, Instant effectiveFrom, String timeOfDay,
            String reason) {
    }

    @GET
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "listPrices", summary = "Current prices, optionally filtered by provider and model")
    public List<VersionView> current(@QueryParam("provider") String provider, @QueryParam("model") String model) {
        return book.current(Instant.now()).stream()
                .filter(v -> provider == null || provider.equals(v.provider()))
                .filter(v -> model == null || model.equals(v.model()))
                .map(PriceViews::view).toList();
    }

    @GET
    @Path("/{provider}/{model}/versions")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "listPriceVersions", summary = "Every version of one model's prices, newest first")
    public List<VersionView> versions(@PathParam("provider") String provider, @PathParam("model") String model) {
        return book.versions(provider, model).stream().map(PriceViews::view).toList();
    }

    @POST
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE})
    @Operation(operationId = "addPriceVersion", summary = "Add a price version (append-only)")
    @APIResponse(responseCode = "201", description = "The price version", content = @Content(schema = @Schema(implementation = VersionView.class)))
    public Uni<RestResponse<VersionView>> add(NewVersion body) {
        if (body == null) {
            throw AdminErrors.invalid(null, "A JSON body is required.");
        }
        String provider = AdminErrors.required(body.provider(), "provider");
        String model = AdminErrors.required(body.model(), "model");
        String reason = AdminErrors.required(body.reason(), "reason");
        String tier;
        try {
            tier = ServiceTier.require(body.serviceTier());
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid("serviceTier", e.getMessage());
        }
        CatalogueEntry entry = new CatalogueEntry(provider, model,
                body.effectiveFrom() == null ? Instant.now() : body.effectiveFrom(),
                PriceViews.sheet(body.prices(), body.tiers()),
                "admin:" + scope.actor(), null, tier, null, null);
        AuditedChange audit = scope.change();
        return book.append(entry, scope.actor(), reason).call(stored -> stored.isEmpty()
                ? Uni.createFrom().voidItem()
                : audit.append(AuditEntry.of("price-version", stored.get().id(), "create",
                        null, null, PriceViews.view(stored.get()))))
                .map(stored -> stored
                        .map(v -> RestResponse.status(RestResponse.Status.CREATED, PriceViews.view(v)))
                        .orElseThrow(
                                () -> new dev.tokenledger.canonical.GatewayError(dev.tokenledger.canonical.ErrorKind.CONFLICT,
                                        "A version of " + provider + "/" + model + " effective at " + entry.effectiveFrom()
                                                + " exists already; versions are append-only.",
                                        "effectiveFrom", null, 0, null)));
    }

    @POST
    @Path("/import")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE})
    @Operation(operationId = "importPrices", summary = "Import the public genai-prices (v2 data.json or the npm package's data) or LiteLLM price file "
            + "given as the body; dryRun=true reports the changes without writing them")
    public Uni<ImportSummary> importFile(@QueryParam("format") String format, @QueryParam("sourceRef") String sourceRef,
            @QueryParam("dryRun") boolean dryRun, byte[] body) {
        Instant now = Instant.now();
        ImportResult result;
        try {
            result = switch (format == null ? "" : format) {
                case "genai-prices" -> GenaiPricesImporter.parse(new ByteArrayInputStream(body),
                        sourceRef == null ? "genai-prices" : sourceRef);
                case "litellm" -> LiteLlmImporter.parse(new ByteArrayInputStream(body),
                        sourceRef == null ? "litellm" : sourceRef, now);
                default -> throw AdminErrors.invalid("format", "Unknown format '" + format
                        + "'; use format=genai-prices or format=litellm.");
            };
        } catch (RuntimeException e) {
            if (e instanceof dev.tokenledger.canonical.GatewayError g) {
                throw g;
            }
            throw AdminErrors.invalid(null, "The price file could not be read: " + e.getMessage());
        }
        CatalogueDiff diff = CatalogueDiff.of(result.entries(), book::versions, now);
        List<String> skipped = new ArrayList<>(result.skipped());
        List<ImportChange> changes = new ArrayList<>();
        for (CatalogueDiff.Change c : diff.changes()) {
            if (c.kind() == CatalogueDiff.Kind.SKIPPED) {
                skipped.add(c.entry() == null
                        ? c.reason()
                        : c.entry().provider() + "/" + c.entry().model() + ": " + c.reason());
            } else if (c.write() != null) {
                CatalogueEntry w = c.write();
                changes.add(new ImportChange(c.kind().name().toLowerCase(java.util.Locale.ROOT), w.provider(), w.model(),
                        w.effectiveFrom(), w.timeOfDay() == null
                                ? null
                                : TimeOfDay.format(w.timeOfDay().start()) + "-" + TimeOfDay.format(w.timeOfDay().end()),
                        c.reason()));
            }
        }
        ImportSummary summary = new ImportSummary(format, dryRun, diff.count(CatalogueDiff.Kind.ADDED),
                diff.count(CatalogueDiff.Kind.CHANGED), diff.count(CatalogueDiff.Kind.UNCHANGED), skipped, changes);
        if (dryRun) {
            return Uni.createFrom().item(summary);
        }
        AuditedChange audit = scope.change();
        return book.appendAll(diff.writes(), scope.actor(), "import " + format)
                .call(() -> audit.append(AuditEntry.of("price-import",
                        sourceRef == null ? format : format + ":" + sourceRef, "import", null, null, importRecord(summary))))
                .replaceWith(summary);
    }

    /** An import as audited: its counts and at most the first 200 versions it wrote. */
    private static ImportSummary importRecord(ImportSummary s) {
        return new ImportSummary(s.format(), s.dryRun(), s.added(), s.changed(), s.unchanged(),
                s.skipped().subList(0, Math.min(200, s.skipped().size())),
                s.changes().subList(0, Math.min(200, s.changes().size())));
    }

    @POST
    @Path("/quote")
    @RolesAllowed({AdminScope.ADMIN, AdminScope.FINANCE, AdminScope.VIEWER})
    @Operation(operationId = "quotePrice", summary = "What a usage costs at a time: input_tokens counts all input, cached and cache-write included")
    public Quote quote(QuoteRequest body) {
        if (body == null || body.usage() == null) {
            throw AdminErrors.invalid("usage", "Missing required field: 'usage'.");
        }
        String provider = AdminErrors.required(body.provider(), "provider");
        String model = AdminErrors.required(body.model(), "model");
        Instant at = body.at() == null ? Instant.now() : body.at();
        Usage usage = body.usage().toUsage();
        try {
            Pricer.counts(usage);
        } catch (IllegalArgumentException e) {
            throw AdminErrors.invalid("usage", e.getMessage());
        }
        Optional<Provider> configured = providers.find(provider);
        PricedUsage priced = configured.isPresent()
                ? pricer.evaluate(provider, configured.get().forModel(model).priceProvider(), model, usage, at)
                : pricer.evaluate(provider, provider, model, usage, at);
        if (!priced.priced()) {
            if (priced.priceModel() != null) {
                throw AdminErrors.invalid("usage", "The usage counts a unit that the price of " + priced.priceProvider()
                        + "/" + priced.priceModel() + " does not price (or its parts do not add up).");
            }
            throw AdminErrors.notFound("A price for " + provider + "/" + model + " at " + at);
        }
        Cost cost = priced.cost();
        Map<String, String> breakdown = new LinkedHashMap<>();
        cost.breakdown().forEach((k, v) -> breakdown.put(k, v.stripTrailingZeros().toPlainString()));
        return new Quote(cost.exactUsd().stripTrailingZeros().toPlainString(), cost.micros(), priced.priceVersionId(),
                breakdown, priced.priceProvider(), priced.priceModel(), priced.priceMatch());
    }
}
