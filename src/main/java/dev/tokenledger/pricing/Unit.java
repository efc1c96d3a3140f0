package dev.tokenledger.pricing;

/** The priced units of a {@link PriceSheet}, with their names in the catalogue file and in a cost breakdown. */
enum Unit {

    INPUT("input", CostCalculator.INPUT), CACHE_READ("cacheRead", CostCalculator.CACHE_READ), CACHE_WRITE("cacheWrite",
            CostCalculator.CACHE_WRITE), CACHE_WRITE_1H("cacheWrite1h", CostCalculator.CACHE_WRITE_1H), OUTPUT("output",
                    CostCalculator.OUTPUT), REASONING("reasoning", CostCalculator.REASONING);

    /** Name in the catalogue file. */
    final String catalogueKey;
    /** Name in {@link Cost#breakdown()}. */
    final String breakdownKey;

    Unit(String catalogueKey, String breakdownKey) {
        this.catalogueKey = catalogueKey;
        this.breakdownKey = breakdownKey;
    }

    /** This unit's price in a sheet, or null when the sheet does not price it separately. */
    UnitPrice of(PriceSheet sheet) {
        return switch (this) {
            case INPUT -> sheet.input();
            case CACHE_READ -> sheet.cacheRead();
            case CACHE_WRITE -> sheet.cacheWrite();
            case CACHE_WRITE_1H -> sheet.cacheWrite1h();
            case OUTPUT -> sheet.output();
            case REASONING -> sheet.reasoning();
        };
    }

    static Unit byCatalogueKey(String key) {
        for (Unit unit : values()) {
            if (unit.catalogueKey.equals(key)) {
                return unit;
            }
        }
        return null;
    }
}
