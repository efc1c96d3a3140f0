package dev.tokenledger.canonical;

/**
 * A tool call made by the model.
 *
 * @param id the call id, preserved end to end so results can refer to it
 * @param name the function name
 * @param arguments the arguments as a JSON text, exactly as the model produced them
 */
public record ToolCall(String id, String name, String arguments) {
}
