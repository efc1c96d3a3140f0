package dev.tokenledger.provider;

/**
 * A provider as it serves some of its models ({@link Provider#forModel}) in another format, or priced under another
 * catalogue provider: the id, type, price provider and model choice are those of the provider it belongs to; the
 * format and the requests its own. Vertex AI's publishers and Copilot's Responses-only models are such views.
 */
public interface ProviderView extends Provider {

    /** The provider this view belongs to. */
    Provider provider();

    @Override
    default String id() {
        return provider().id();
    }

    @Override
    default String type() {
        return provider().type();
    }

    /** The price provider of the provider this view belongs to, unless the view is priced apart. */
    @Override
    default String priceProvider() {
        return provider().priceProvider();
    }

    @Override
    default Provider forModel(String upstreamModel) {
        return provider().forModel(upstreamModel);
    }
}
