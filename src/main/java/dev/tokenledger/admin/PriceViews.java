package dev.tokenledger.admin;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tokenledger.admin.PricesResource.Prices;
import dev.tokenledger.admin.PricesResource.Tier;
import dev.tokenledger.admin.PricesResource.VersionView;
import dev.tokenledger.pricing.PriceSheet;
import dev.tokenledger.pricing.PriceVersion;
import dev.tokenledger.pricing.TierStep;
import dev.tokenledger.pricing.Unit;
import dev.tokenledger.pricing.UnitPrice;

/** The admin API's price shapes and the catalogue's: a stored version as shown, and a posted one as a price sheet. */
final class PriceViews {

    private PriceViews() {
    }

    static VersionView view(PriceVersion v) {
        PriceSheet p = v.prices();
        Prices base = new Prices(base(p.input()), base(p.cacheRead()), base(p.cacheWrite()), base(p.cacheWrite1h()),
                base(p.output()), base(p.reasoning()), others(p));
        List<Long> starts = new ArrayList<>();
        for (UnitPrice unit : new UnitPrice[]{p.input(), p.cacheRead(), p.cacheWrite(), p.cacheWrite1h(), p.output(),
                p.reasoning()}) {
            if (unit != null) {
                unit.tiers().forEach(t -> {
                    if (!starts.contains(t.start())) {
                        starts.add(t.start());
                    }
                });
            }
        }
        starts.sort(Long::compare);
        List<Tier> tiers = starts.stream().map(start -> new Tier(start, new Prices(at(p.input(), start),
                at(p.cacheRead(), start), at(p.cacheWrite(), start), at(p.cacheWrite1h(), start), at(p.output(), start),
                at(p.reasoning(), start), null))).toList();
        return new VersionView(v.id(), v.provider(), v.model(), v.effectiveFrom(), base, tiers, v.source(), v.reason(),
                v.createdBy(), v.createdAt(), v.serviceTier());
    }

    /** The base prices of the units beyond the six named fields, by catalogue name; null when there are none. */
    private static Map<String, BigDecimal> others(PriceSheet p) {
        Map<String, BigDecimal> others = new LinkedHashMap<>();
        p.units().forEach((unit, price) -> {
            if (!Set.of(Unit.INPUT, Unit.CACHE_READ, Unit.CACHE_WRITE, Unit.CACHE_WRITE_1H, Unit.OUTPUT, Unit.REASONING)
                    .contains(unit)) {
                others.put(unit.catalogueKey, price.base());
            }
        });
        return others.isEmpty() ? null : others;
    }

    private static BigDecimal base(UnitPrice unit) {
        return unit == null ? null : unit.base();
    }

    private static BigDecimal at(UnitPrice unit, long start) {
        return unit == null ? null : unit.at(start + 1);
    }

    static PriceSheet sheet(Prices prices, List<Tier> tiers) {
        if (prices == null || prices.inputMtok() == null || prices.outputMtok() == null) {
            throw AdminErrors.invalid("prices", "'prices.inputMtok' and 'prices.outputMtok' are required.");
        }
        List<Tier> steps = tiers == null
                ? List.of()
                : tiers.stream().sorted((a, b) -> Long.compare(a.start(), b.start()))
                        .toList();
        for (Tier t : steps) {
            if (t.prices() == null) {
                throw AdminErrors.invalid("tiers", "Every tier needs 'prices'.");
            }
        }
        PriceSheet sheet = new PriceSheet(unit(prices.inputMtok(), steps, Prices::inputMtok),
                unit(prices.cacheReadMtok(), steps, Prices::cacheReadMtok),
                unit(prices.cacheWriteMtok(), steps, Prices::cacheWriteMtok),
                unit(prices.cacheWrite1hMtok(), steps, Prices::cacheWrite1hMtok),
                unit(prices.outputMtok(), steps, Prices::outputMtok),
                unit(prices.reasoningMtok(), steps, Prices::reasoningMtok));
        if (prices.units() != null) {
            for (Map.Entry<String, BigDecimal> other : prices.units().entrySet()) {
                Unit unit = Unit.byCatalogueKey(other.getKey());
                if (unit == null || sheet.price(unit) != null) {
                    throw AdminErrors.invalid("prices.units", "Unknown or repeated unit '" + other.getKey() + "'.");
                }
                if (other.getValue() != null) {
                    sheet = sheet.with(unit, unit(other.getValue(), List.of(), t -> null));
                }
            }
        }
        return sheet;
    }

    private static UnitPrice unit(BigDecimal base, List<Tier> tiers, java.util.function.Function<Prices, BigDecimal> get) {
        if (base == null) {
            return null;
        }
        if (base.signum() < 0) {
            throw AdminErrors.invalid("prices", "Prices must not be negative.");
        }
        List<TierStep> steps = new ArrayList<>();
        for (Tier t : tiers) {
            BigDecimal price = get.apply(t.prices());
            if (price != null) {
                steps.add(new TierStep(t.start(), price));
            }
        }
        return new UnitPrice(base, steps);
    }
}
