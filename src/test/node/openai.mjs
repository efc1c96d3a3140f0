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
  async responses() {
    const r = await client.responses.create({ model, instructions: 'Be brief.', input: 'What is the capital of Australia?' });
    return { id: r.id, status: r.status, text: r.output_text, usage: r.usage };
  },
  async responsesStream() {
    const stream = client.responses.stream({ model, input: 'What is the capital of Australia?' });
    let text = '';
    let sequence = -1;
    for await (const event of stream) {
      if (event.sequence_number !== sequence + 1) throw new Error(`sequence ${event.sequence_number} after ${sequence}`);
      sequence = event.sequence_number;
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const r = await stream.finalResponse();
    const finalText = r.output.filter((i) => i.type === 'message').flatMap((i) => i.content).map((p) => p.text).join('');
    return { text, finalText, status: r.status, error: r.error, usage: r.usage };
  },
  async responsesTools() {
    const tools = [
      { type: 'function', name: 'get_weather', strict: false, parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      { type: 'function', name: 'get_local_time', strict: false, parameters: { type: 'object', properties: { timezone: { type: 'string' } } } },
    ];
    const input = [{ role: 'user', content: 'Weather in São Paulo and the local time there?' }];
    const first = await client.responses.stream({ model, input, tools, parallel_tool_calls: true }).finalResponse();
    const calls = first.output.filter((item) => item.type === 'function_call');
    const outputs = calls.map((c) => ({ type: 'function_call_output', call_id: c.call_id, output: `result of ${c.name}` }));
    const second = await client.responses.create({ model, input: [...input, ...first.output, ...outputs], tools });
    return {
      calls: calls.map((c) => ({ call_id: c.call_id, name: c.name, arguments: JSON.parse(c.arguments) })),
      usage: first.usage,
      answer: second.output_text,
    };
  },
  async completions() {
    const c = await client.completions.create({ model, prompt: 'Say hi', max_tokens: 16 });
    return { id: c.id, text: c.choices[0].text, finish: c.choices[0].finish_reason, usage: c.usage };
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
