/**
 * The scenario suite: every client format against every upstream type, every case, through the real gateway.
 * <p>
 * To add a format: write {@code <Format>Client implements ClientSide} (builds each {@link ScenarioCase}'s request from
 * {@link Script} as that format's SDK sends it; reads the answer, stream or error back into {@link Observed}, in
 * canonical terms: finish {@code stop}/{@code tool_calls}, prompt tokens with cached included, error type
 * {@code rate_limit} for a 429) and/or {@code <Type>Upstream implements UpstreamSide} (provider config against the
 * suite's WireMock under its own path prefix, the answer for each case in the format, with usage
 * {@link Script#PROMPT_TOKENS} / {@link Script#cachedTokens} / {@link Script#COMPLETION_TOKENS}; and
 * {@code assertOutbound}, which checks URL, auth and that the body expresses {@link Script#transcript}, the tools, JSON
 * mode and streaming in the format). Register it in {@link ScenarioFormats}. A pair that cannot serve a case goes in
 * {@link ScenarioMatrix} with the field its 400 must name. {@link OpenAiChatClient} and {@link OpenAiUpstream} are the
 * reference.
 */
package dev.tokenledger.scenario;
