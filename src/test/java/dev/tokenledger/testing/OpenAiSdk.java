package dev.tokenledger.testing;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

/** Calls the gateway makes through the official OpenAI Java SDK in tests. */
public final class OpenAiSdk {

    private OpenAiSdk() {
    }

    /** The text of a streamed chat completion of a "Hi" to a model, its deltas joined. */
    public static String streamedText(OpenAIClient client, String model) {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(model).addUserMessage("Hi").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        return text.toString();
    }
}
