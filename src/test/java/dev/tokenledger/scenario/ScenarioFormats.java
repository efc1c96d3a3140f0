package dev.tokenledger.scenario;

import java.util.List;

/**
 * The formats the scenario suite runs: every client side against every upstream side, every case. A format joins the
 * suite with one line here.
 */
public final class ScenarioFormats {

    public static final List<ClientSide> CLIENTS = List.of(
            new OpenAiChatClient(),
            new OpenAiResponsesClient(),
            new AnthropicClient(),
            new GeminiClient());

    public static final List<UpstreamSide> UPSTREAMS = List.of(
            new OpenAiUpstream(),
            new GeminiUpstream(),
            new OllamaUpstream(),
            new AzureOpenAiUpstream(),
            new AnthropicUpstream(),
            new BedrockUpstream());

    private ScenarioFormats() {
    }
}
