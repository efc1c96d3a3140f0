package dev.tokenledger.wire.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How an Anthropic request keeps what it arrived with ({@link dev.tokenledger.canonical.ChatRequest.SourceBody}): the
 * parsed body, and the client's {@code anthropic-beta} header, which an Anthropic upstream needs for the beta features
 * the body uses.
 *
 * @param beta the client's {@code anthropic-beta} header, or null
 */
public record AnthropicSource(ObjectNode body, String beta) {
}
