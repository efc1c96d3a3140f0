// The official OpenAI SDK as a client of the gateway. Usage: node openai.mjs <scenario>; prints one JSON line.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.TL_BASE_URL, apiKey: process.env.TL_API_KEY, maxRetries: 0 });
const model = process.env.TL_MODEL ?? 'gpt-test';

const scenarios = {
  async chat() {
    const c = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
    return { id: c.id, text: c.choices[0].message.content, finish: c.choices[0].finish_reason, usage: c.usage };
  },
  async stream() {
    const stream = await client.chat.completions.create({
      model, messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true },
    });
    let text = '';
    let usage = null;
    let finish = null;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.delta?.content ?? '';
        finish = choice.finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    return { text, finish, usage };
  },
  async tools() {
    const c = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Weather in Paris and the time in Tokyo?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } },
      ],
    });
    const m = c.choices[0].message;
    return {
      finish: c.choices[0].finish_reason,
      calls: (m.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function.name, arguments: JSON.parse(t.function.arguments) })),
      usage: c.usage,
    };
  },
  async streamTools() {
    const stream = client.chat.completions.stream({
      model,
      messages: [{ role: 'user', content: 'Weather in Paris and the time in Tokyo?' }],
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } },
      ],
      stream_options: { include_usage: true },
    });
    const c = await stream.finalChatCompletion();
    const m = c.choices[0].message;
    return {
      finish: c.choices[0].finish_reason,
      calls: (m.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function.name, arguments: JSON.parse(t.function.arguments) })),
      usage: c.usage,
    };
  },
  async error() {
    try {
      await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'Hi' }] });
      return { error: null };
    } catch (e) {
      return { status: e.status, type: e.type ?? e.error?.type, message: e.message };
    }
  },
};

const name = process.argv[2];
if (!scenarios[name]) {
  console.error(`unknown scenario ${name}; one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
console.log(JSON.stringify(await scenarios[name]()));
