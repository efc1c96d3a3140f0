// The official Anthropic SDK as a client of the gateway. Usage: node anthropic.mjs <scenario>; prints one JSON line.
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({ baseURL: process.env.TL_BASE_URL, apiKey: process.env.TL_API_KEY, maxRetries: 0 });
const model = process.env.TL_MODEL ?? 'claude-test';

const tools = [
  { name: 'get_weather', description: 'Current weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'get_local_time', description: 'Local time', input_schema: { type: 'object', properties: { timezone: { type: 'string' } } } },
];
const question = [{ role: 'user', content: 'Weather in São Paulo and the local time there?' }];

function summary(m) {
  return {
    id: m.id,
    text: m.content.filter((b) => b.type === 'text').map((b) => b.text).join(''),
    thinking: m.content.filter((b) => b.type === 'thinking').map((b) => b.thinking).join(''),
    signature: m.content.filter((b) => b.type === 'thinking').map((b) => b.signature).join(''),
    calls: m.content.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, input: b.input })),
    stop_reason: m.stop_reason,
    usage: m.usage,
  };
}

const scenarios = {
  async messages() {
    const m = await client.messages.create({ model, max_tokens: 256, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
    return summary(m);
  },
  async stream() {
    const stream = client.messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] });
    let streamed = '';
    stream.on('text', (t) => { streamed += t; });
    const m = await stream.finalMessage();
    return { ...summary(m), streamed };
  },
  async tools() {
    const m = await client.messages.create({ model, max_tokens: 1024, tools, messages: question });
    return summary(m);
  },
  async streamTools() {
    const stream = client.messages.stream({ model, max_tokens: 16000, tools, messages: question, thinking: { type: 'enabled', budget_tokens: 8000 } });
    return summary(await stream.finalMessage());
  },
  async countTokens() {
    const { data, response } = await client.messages
      .countTokens({ model, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    return { input_tokens: data.input_tokens, source: response.headers.get('x-tokenledger-token-count') };
  },
  async error() {
    try {
      await client.messages.create({ model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user', content: 'Hi' }] });
      return { error: null };
    } catch (e) {
      return { status: e.status, type: e.error?.error?.type, message: e.message };
    }
  },
};

const name = process.argv[2];
if (!scenarios[name]) {
  console.error(`unknown scenario ${name}; one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await scenarios[name]()));
