// The official Google Gen AI SDK as a client of the gateway. Usage: node gemini.mjs <scenario>; prints one JSON line.
import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({ apiKey: process.env.TL_API_KEY, httpOptions: { baseUrl: process.env.TL_BASE_URL } });
const model = process.env.TL_MODEL ?? 'gemini-test';

const scenarios = {
  async generate() {
    const r = await ai.models.generateContent({
      model,
      contents: 'What is the capital of New Zealand?',
      config: { systemInstruction: 'Answer in one sentence.', temperature: 0.2, maxOutputTokens: 64 },
    });
    return { text: r.text, finish: r.candidates?.[0]?.finishReason, usage: r.usageMetadata, responseId: r.responseId };
  },
  async stream() {
    const stream = await ai.models.generateContentStream({ model, contents: 'What is the capital of New Zealand?' });
    let text = '';
    let usage = null;
    let finish = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.text ?? '';
      usage = chunk.usageMetadata ?? usage;
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    return { text, finish, usage, chunks };
  },
  async tools() {
    const r = await ai.models.generateContent({
      model,
      contents: 'Weather in Paris and the time in Tokyo?',
      config: {
        tools: [{
          functionDeclarations: [
            { name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } },
            { name: 'get_local_time', parametersJsonSchema: { type: 'object', properties: { timezone: { type: 'string' } } } },
          ],
        }],
      },
    });
    return { calls: r.functionCalls ?? [], usage: r.usageMetadata };
  },
  async countTokens() {
    const r = await ai.models.countTokens({ model, contents: 'How many tokens is this?' });
    return { totalTokens: r.totalTokens };
  },
  async streamError() {
    try {
      const stream = await ai.models.generateContentStream({ model, contents: 'Hi' });
      let text = '';
      for await (const chunk of stream) {
        text += chunk.text ?? '';
      }
      return { error: null, text };
    } catch (e) {
      return { error: e.message, status: e.status ?? null };
    }
  },
  async error() {
    try {
      await ai.models.generateContent({ model: 'no-such-model', contents: 'Hi' });
      return { error: null };
    } catch (e) {
      return { status: e.status, message: e.message };
    }
  },
};

const name = process.argv[2];
if (!scenarios[name]) {
  console.error(`unknown scenario ${name}; one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await scenarios[name]()));
