import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSampleAnswer, openAiChatReply, readJobIdsFromPrompt, readPromptText } from '@cia/ai/testing';

export type TSlowOpenAi = {
  url: string;
  /** Settings that point the worker's OpenAI SDK at this server. */
  env: Record<string, string>;
  /** Chat completions answered (any status), per prompt marker when `countBy` is given. */
  calls(): number;
  callsMatching(text: string): number;
  inFlight(): number;
  peakInFlight(): number;
  close(): Promise<void>;
};

export type TSlowOpenAiOptions = {
  /** Delay before every answer: a provider's thinking time without using CPU. */
  latencyMs?: number;
  apiKey?: string;
  /** Prompts containing this text get a 400 (a request the provider always rejects). */
  rejectWhenPromptIncludes?: string;
  /** Texts whose occurrences in prompts are counted (for `callsMatching`). */
  countTexts?: string[];
};

/**
 * An OpenAI-compatible endpoint for benchmarks and drills: answers every chat completion with a
 * valid analysis after a fixed latency, without keeping request bodies (thousands of calls stay
 * small in memory). The shared `startFakeOpenAi` records everything, which suits tests instead.
 */
export async function startSlowOpenAi(options: TSlowOpenAiOptions = {}): Promise<TSlowOpenAi> {
  const apiKey = options.apiKey ?? 'bench-key';
  const latencyMs = options.latencyMs ?? 0;
  let calls = 0;
  let inFlight = 0;
  let peak = 0;
  const counted = new Map<string, number>((options.countTexts ?? []).map((t) => [t, 0]));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls++;
      inFlight++;
      peak = Math.max(peak, inFlight);
      const send = (status: number, body: unknown) => {
        inFlight--;
        if (res.destroyed) return;
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return send(401, { error: { type: 'invalid_request_error', message: 'Incorrect API key provided' } });
      let json: unknown = null;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(400, { error: { type: 'invalid_request_error', message: 'malformed JSON' } });
      }
      const prompt = readPromptText(json);
      for (const t of counted.keys()) if (prompt.includes(t)) counted.set(t, (counted.get(t) ?? 0) + 1);
      const answer = () => {
        if (options.rejectWhenPromptIncludes && prompt.includes(options.rejectWhenPromptIncludes)) {
          return send(400, { error: { type: 'invalid_request_error', message: 'this request is always rejected (poison drill)' } });
        }
        send(200, openAiChatReply(buildSampleAnswer(readJobIdsFromPrompt(prompt))).json);
      };
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    env: { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: `${url}/v1`, OPENAI_MODEL: 'gpt-4o-mini', DEFAULT_AI_PROVIDER: 'openai' },
    calls: () => calls,
    callsMatching: (text) => counted.get(text) ?? 0,
    inFlight: () => inFlight,
    peakInFlight: () => peak,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
