import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSampleAnswer, readJobIdsFromPrompt } from './sample-answers';
import { anthropicToolReply, openAiChatReply, type TFakeReply } from './provider-replies';

export type TFakeProviderKind = 'openai' | 'anthropic' | 'azure_openai';

export type TRecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** The raw body, exactly as received: what left the process. */
  body: string;
  json: unknown;
};

export type TFakeProviderServer = {
  kind: TFakeProviderKind;
  /** Root URL (`http://127.0.0.1:<port>`). */
  url: string;
  /** Settings that point the real SDK at this server (merge into testConfig). */
  env: Record<string, string>;
  requests: TRecordedRequest[];
  /** Replies used in order for the next requests; when none is queued, `respond` answers. */
  enqueue(...replies: TFakeReply[]): void;
  /** Replaces the default reply (a valid answer for every job id of the prompt); null restores it. */
  respond(handler: ((request: TRecordedRequest) => TFakeReply) | null): void;
  close(): Promise<void>;
};

export type TFakeProviderOptions = { apiKey?: string; model?: string; deployment?: string; apiVersion?: string };

/** The text of the prompt in a request body, whichever API shape it has. */
export function readPromptText(json: unknown): string {
  const body = (json ?? {}) as { messages?: { content?: unknown }[]; system?: unknown };
  const parts = (body.messages ?? []).map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '')));
  return [typeof body.system === 'string' ? body.system : '', ...parts].join('\n');
}

function defaultReply(kind: TFakeProviderKind, request: TRecordedRequest): TFakeReply {
  const answer = buildSampleAnswer(readJobIdsFromPrompt(readPromptText(request.json)));
  if (kind === 'anthropic') {
    const toolName = (request.json as { tool_choice?: { name?: string } } | null)?.tool_choice?.name;
    return anthropicToolReply(answer, { toolName });
  }
  return openAiChatReply(answer);
}

/** Checks what the real API would reject: wrong path, missing credentials, missing api-version. */
function checkRequest(kind: TFakeProviderKind, req: TRecordedRequest, o: Required<TFakeProviderOptions>): TFakeReply | null {
  const deny = (status: number, message: string): TFakeReply => ({ status, json: { error: { type: 'invalid_request_error', message } } });
  if (req.method !== 'POST') return deny(405, 'method not allowed');
  if (kind === 'openai') {
    if (req.path !== '/v1/chat/completions') return deny(404, `unknown path ${req.path}`);
    if (req.headers.authorization !== `Bearer ${o.apiKey}`) return deny(401, 'Incorrect API key provided');
  } else if (kind === 'azure_openai') {
    if (req.path !== `/openai/deployments/${o.deployment}/chat/completions`) return deny(404, `DeploymentNotFound: ${req.path}`);
    if (req.query['api-version'] !== o.apiVersion) return deny(400, `unsupported api-version ${req.query['api-version']}`);
    if (req.headers['api-key'] !== o.apiKey) return deny(401, 'Access denied due to invalid subscription key');
  } else {
    if (req.path !== '/v1/messages') return deny(404, `unknown path ${req.path}`);
    // The SDK sends the key as x-api-key or, in newer versions, as a bearer token.
    if (req.headers['x-api-key'] !== o.apiKey && req.headers.authorization !== `Bearer ${o.apiKey}`) return deny(401, 'invalid x-api-key');
    if (!req.headers['anthropic-version']) return deny(400, 'anthropic-version header is required');
  }
  return null;
}

function envFor(kind: TFakeProviderKind, url: string, o: Required<TFakeProviderOptions>): Record<string, string> {
  if (kind === 'openai') return { OPENAI_API_KEY: o.apiKey, OPENAI_BASE_URL: `${url}/v1`, OPENAI_MODEL: o.model };
  if (kind === 'anthropic') return { ANTHROPIC_API_KEY: o.apiKey, ANTHROPIC_BASE_URL: url, ANTHROPIC_MODEL: o.model };
  return {
    AZURE_OPENAI_API_KEY: o.apiKey,
    AZURE_OPENAI_ENDPOINT: url,
    AZURE_OPENAI_DEPLOYMENT: o.deployment,
    AZURE_OPENAI_API_VERSION: o.apiVersion,
  };
}

const DEFAULT_MODELS: Record<TFakeProviderKind, string> = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku-latest',
  azure_openai: 'gpt-4o-mini',
};

/**
 * A fake OpenAI, Anthropic or Azure OpenAI endpoint on 127.0.0.1 (port 0) for the real SDKs. It
 * records every request body as received and answers from a script, else with a valid analysis.
 */
export async function startFakeProviderServer(kind: TFakeProviderKind, options: TFakeProviderOptions = {}): Promise<TFakeProviderServer> {
  const o: Required<TFakeProviderOptions> = {
    apiKey: options.apiKey ?? `test-key-${kind}`,
    model: options.model ?? DEFAULT_MODELS[kind],
    deployment: options.deployment ?? 'analyst-deployment',
    apiVersion: options.apiVersion ?? '2024-10-21',
  };
  const queue: TFakeReply[] = [];
  const requests: TRecordedRequest[] = [];
  const byDefault = (r: TRecordedRequest) => defaultReply(kind, r);
  let handler = byDefault;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let json: unknown = null;
      try {
        json = body ? JSON.parse(body) : null;
      } catch {
        json = null;
      }
      const recorded: TRecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        json,
      };
      requests.push(recorded);
      const reply = checkRequest(kind, recorded, o) ?? queue.shift() ?? handler(recorded);
      if (reply.hang) return;
      const payload = reply.text ?? JSON.stringify(reply.json ?? {});
      res.writeHead(reply.status ?? 200, {
        'content-type': reply.text !== undefined ? 'text/plain' : 'application/json',
        // Both SDKs retry on their own unless told not to; the scripts decide.
        ...reply.headers,
      });
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    kind,
    url,
    env: envFor(kind, url, o),
    requests,
    enqueue: (...replies) => queue.push(...replies),
    respond: (h) => {
      handler = h ?? byDefault;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const startFakeOpenAi = (options?: TFakeProviderOptions) => startFakeProviderServer('openai', options);
export const startFakeAnthropic = (options?: TFakeProviderOptions) => startFakeProviderServer('anthropic', options);
export const startFakeAzureOpenAi = (options?: TFakeProviderOptions) => startFakeProviderServer('azure_openai', options);
