// Streaming load: keeps CONCURRENCY chat-completion streams open at once until TOTAL have run, and checks every one
// frame by frame against the upstream's reply: each stream must carry exactly EXPECTED `data:` events and end with
// `data: [DONE]`. Prints one JSON line: streams run, complete, frames lost, time to first byte and to the end
// (p50 / p99 / max, ms), streams a second.
//
//   node bench/streams.mjs URL AUTH_HEADER BODY EXPECTED_FRAMES [CONCURRENCY=1000] [TOTAL=10000] [TIMEOUT_MS=30000]
import http from 'node:http';

const [url, auth, body, expectedArg, concArg, totalArg, timeoutArg] = process.argv.slice(2);
if (!url || !body || !expectedArg) {
  console.error('usage: node streams.mjs URL AUTH_HEADER BODY EXPECTED_FRAMES [CONCURRENCY] [TOTAL] [TIMEOUT_MS]');
  process.exit(2);
}
const expected = Number(expectedArg);
const concurrency = Number(concArg || 1000);
const total = Number(totalArg || 10000);
const timeoutMs = Number(timeoutArg || 30000);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
const payload = Buffer.from(body);

const ttfb = [];
const whole = [];
let started = 0;
let complete = 0;
let framesLost = 0;
let failed = 0;
const failures = new Map(); // reason -> count (a handful of distinct reasons)

function fail(reason) {
  failed++;
  failures.set(reason, (failures.get(reason) || 0) + 1);
}

function one() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    let first = 0n;
    let buffered = '';
    let frames = 0;
    let done = false;
    const req = http.request({
      host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: {
        'content-type': 'application/json', accept: 'text/event-stream', 'content-length': payload.length,
        ...(auth ? { authorization: auth } : {}),
      },
    }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (text) => {
        if (first === 0n) first = process.hrtime.bigint();
        buffered += text;
        let cut;
        while ((cut = buffered.indexOf('\n\n')) >= 0) {
          const event = buffered.slice(0, cut);
          buffered = buffered.slice(cut + 2);
          for (const line of event.split('\n')) {
            if (!line.startsWith('data:')) continue;
            frames++;
            if (line.slice(5).trim() === '[DONE]') done = true;
          }
        }
      });
      res.on('end', () => {
        const t1 = process.hrtime.bigint();
        if (res.statusCode !== 200) {
          let code = '';
          try {
            const error = JSON.parse(buffered).error || {};
            code = ` ${error.code || error.type || ''}`.trimEnd();
          } catch (e) {
            // not a JSON error body
          }
          fail(`HTTP ${res.statusCode}${code}`);
        } else {
          framesLost += Math.max(0, expected - frames);
          if (frames === expected && done) {
            complete++;
            ttfb.push(Number(first - t0) / 1e6);
            whole.push(Number(t1 - t0) / 1e6);
          } else {
            fail(done ? `${frames} of ${expected} frames` : `no [DONE] after ${frames} frames`);
          }
        }
        resolve();
      });
      res.on('error', (e) => { fail(`response: ${e.code || e.message}`); resolve(); });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => { framesLost += expected - frames; fail(`request: ${e.code || e.message}`); resolve(); });
    req.end(payload);
  });
}

async function lane() {
  while (started < total) {
    started++;
    await one();
  }
}

function pct(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 1000) / 1000;
}

const begin = process.hrtime.bigint();
await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
agent.destroy();
console.log(JSON.stringify({
  streams: started, complete, failed, framesLost, concurrency, expectedFrames: expected,
  ttfbMs: { p50: pct(ttfb, 50), p99: pct(ttfb, 99), max: pct(ttfb, 100) },
  totalMs: { p50: pct(whole, 50), p99: pct(whole, 99), max: pct(whole, 100) },
  streamsPerSecond: Math.round((started / seconds) * 10) / 10,
  failures: Object.fromEntries(failures),
}));
