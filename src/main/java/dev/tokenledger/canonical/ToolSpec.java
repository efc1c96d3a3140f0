package dev.tokenledger.canonical;

import java.util.Map;

/**
 * A function tool the model may call.
 *
 * @param parameters the JSON schema of the arguments, as a JSON value tree of maps, lists and scalars, or null
 */
public record ToolSpec(String name, String description, Map<String, Object> parameters, Boolean strict) {
}
