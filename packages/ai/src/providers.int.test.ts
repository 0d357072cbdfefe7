import { ZAnalysisResult } from '@cia/contracts';
import { testConfig } from '@cia/config/testing';
import { AnalysisFailedError, analyzePipeline, createProviderPool, PROMPT_VERSION } from './index';
import {
  openAiChatReply,
  rateLimitReply,
  serverErrorReply,
  startFakeAnthropic,
  startFakeAzureOpenAi,
  startFakeOpenAi,
  buildSampleInput,
  SAMPLE_LOGS,
  type TFakeProviderServer,
} from './testing';

let openai: TFakeProviderServer;
let anthropic: TFakeProviderServer;
let azure: TFakeProviderServer;

beforeAll(async () => {
  [openai, anthropic, azure] = await Promise.all([startFakeOpenAi(), startFakeAnthropic(), startFakeAzureOpenAi()]);
});
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close(), azure.close()]);
});
beforeEach(() => {
  for (const s of [openai, anthropic, azure]) s.requests.length = 0;
});

/** Rules first is off: these tests are about the providers, whatever the knowledge base knows. */
function settings(overrides: Record<string, string>) {
  return testConfig({
    ...openai.env,
    ...anthropic.env,
    ...azure.env,
    AI_RULES_FIRST: 'false',
    AI_MAX_RETRIES: '1',
    AI_TIMEOUT_MS: '2000',
    ...overrides,
  });
}

const input = buildSampleInput([
  { id: 701, name: 'build', stage: 'build', log: SAMPLE_LOGS.typescriptBuild },
  { id: 702, name: 'unit-tests', stage: 'test', log: SAMPLE_LOGS.jestTest },
]);

test('openai: asks for json_schema structured output and returns a valid pipeline result with usage and cost', async () => {
  const outcome = await analyzePipeline(input, { settings: settings({ DEFAULT_AI_PROVIDER: 'openai' }) });

  expect(ZAnalysisResult.parse(outcome.result)).toEqual(outcome.result);
  expect(outcome.provider).toBe('openai');
  expect(outcome.model).toBe('gpt-4o-mini-2024-07-18');
  expect(outcome.promptVersion).toBe(PROMPT_VERSION);
  expect(outcome.result.source).toEqual({ kind: 'ai', detail: expect.stringContaining('openai gpt-4o-mini') });
  expect(outcome.result.failed_jobs.map((j) => [j.job_id, j.findings.length > 0])).toEqual([
    [701, true],
    [702, true],
  ]);
  expect(outcome.result.failed_jobs[0]!.excerpt).toContainEqual({ line: 10, text: expect.stringContaining('TS2307') });
  // 1200 input tokens at $0.15/M + 300 output tokens at $0.60/M.
  expect(outcome.usage).toEqual({ inputTokens: 1200, outputTokens: 300, costUsd: 0.00036 });
  expect(outcome.cacheHit).toBe(false);

  expect(openai.requests).toHaveLength(1);
  const body = openai.requests[0]!.json as Record<string, unknown> & {
    response_format: { type: string; json_schema: { name: string; schema: { required: string[] } } };
  };
  expect(body.model).toBe('gpt-4o-mini');
  expect(body.response_format.type).toBe('json_schema');
  expect(body.response_format.json_schema.name).toBe('pipeline_failure_analysis');
  expect(body.response_format.json_schema.schema.required).toEqual(expect.arrayContaining(['summary', 'root_cause', 'failed_jobs']));
  expect(body.max_tokens).toBe(2000);
});

test('anthropic: forces the analysis tool and reads the answer from the tool call', async () => {
  const outcome = await analyzePipeline(input, { settings: settings({ DEFAULT_AI_PROVIDER: 'anthropic' }) });

  expect(ZAnalysisResult.safeParse(outcome.result).success).toBe(true);
  expect(outcome.provider).toBe('anthropic');
  expect(outcome.model).toBe('claude-3-5-haiku-20241022');
  // 1300 input tokens at $0.80/M + 350 output tokens at $4/M.
  expect(outcome.usage).toEqual({ inputTokens: 1300, outputTokens: 350, costUsd: 0.00244 });
  expect(anthropic.requests).toHaveLength(1);
  const body = anthropic.requests[0]!.json as {
    tool_choice: unknown;
    tools: { name: string; input_schema: { type: string } }[];
    max_tokens: number;
    system: string;
  };
  expect(body.tool_choice).toEqual({ type: 'tool', name: 'pipeline_failure_analysis' });
  expect(body.tools[0]!.input_schema.type).toBe('object');
  expect(body.max_tokens).toBe(2000);
  expect(body.system).toContain('untrusted DATA');
});

test('azure_openai: calls the deployment path with api-version and api-key', async () => {
  const outcome = await analyzePipeline(input, { settings: settings({ DEFAULT_AI_PROVIDER: 'azure_openai' }) });

  expect(ZAnalysisResult.safeParse(outcome.result).success).toBe(true);
  expect(outcome.provider).toBe('azure_openai');
  expect(azure.requests).toHaveLength(1);
  const req = azure.requests[0]!;
  expect(req.path).toBe('/openai/deployments/analyst-deployment/chat/completions');
  expect(req.query['api-version']).toBe('2024-10-21');
  expect(req.headers['api-key']).toBe('test-key-azure_openai');
  expect(req.headers.authorization).toBeUndefined();
});

test('a compatible server that rejects json_schema is asked again in JSON mode with the schema in the prompt', async () => {
  openai.enqueue({
    status: 400,
    json: { error: { message: "Invalid 'response_format': json_schema is not supported by this server", type: 'invalid_request_error' } },
  });

  const outcome = await analyzePipeline(input, { settings: settings({ DEFAULT_AI_PROVIDER: 'openai' }) });

  expect(outcome.provider).toBe('openai');
  expect(openai.requests).toHaveLength(2);
  const second = openai.requests[1]!.json as { response_format: { type: string }; messages: { content: string }[] };
  expect(second.response_format).toEqual({ type: 'json_object' });
  expect(second.messages[0]!.content).toContain('JSON Schema of the answer');
});

test('a provider pool shares clients and a concurrency limit across analyses', async () => {
  const s = settings({ DEFAULT_AI_PROVIDER: 'openai', AI_MAX_CONCURRENCY: '1' });
  const providers = createProviderPool(s);
  expect(Object.keys(providers).sort()).toEqual(['anthropic', 'azure_openai', 'offline', 'openai']);

  const outcomes = await Promise.all([1, 2, 3].map(() => analyzePipeline(input, { settings: s, providers })));

  expect(outcomes.map((o) => o.provider)).toEqual(['openai', 'openai', 'openai']);
  expect(openai.requests).toHaveLength(3);
});

test('an answer that is not JSON is repaired with one more call that says what was wrong', async () => {
  openai.enqueue(openAiChatReply('Sure! The build failed because of a missing module.', { usage: { input: 1000, output: 12 } }));

  const outcome = await analyzePipeline(input, { settings: settings({ DEFAULT_AI_PROVIDER: 'openai' }) });

  expect(ZAnalysisResult.safeParse(outcome.result).success).toBe(true);
  expect(openai.requests).toHaveLength(2);
  expect(openai.requests[1]!.body).toContain('Correction needed');
  expect(openai.requests[1]!.body).toContain('not a JSON object');
  expect(outcome.attempts).toEqual([expect.objectContaining({ provider: 'openai', ok: true, calls: 2 })]);
  expect(outcome.usage.inputTokens).toBe(2200);
  expect(outcome.usage.outputTokens).toBe(312);
});

test('JSON that breaks the schema is repaired once, then the provider fails with a clear reason', async () => {
  openai.enqueue(openAiChatReply({ summary: 'x', category: 'compiler' }), openAiChatReply({ summary: 'still wrong' }));

  const error = await analyzePipeline(input, { settings: settings({ DEFAULT_AI_PROVIDER: 'openai' }) }).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(AnalysisFailedError);
  const failed = error as AnalysisFailedError;
  expect(failed.code).toBe('ai_all_providers_failed');
  expect(failed.attempts).toEqual([expect.objectContaining({ provider: 'openai', ok: false, calls: 2, reason: 'invalid_output' })]);
  expect(failed.message).toMatch(/openai gpt-4o-mini: invalid_output - answer still invalid after one repair/);
  expect(openai.requests[1]!.body).toContain('does not match the schema');
});

test('a 429 with retry-after is retried by the SDK and then succeeds', async () => {
  openai.enqueue(rateLimitReply(15));

  const outcome = await analyzePipeline(input, { settings: settings({ DEFAULT_AI_PROVIDER: 'openai' }) });

  expect(openai.requests).toHaveLength(2);
  expect(openai.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '1']);
  expect(outcome.provider).toBe('openai');
  expect(outcome.attempts).toEqual([expect.objectContaining({ provider: 'openai', ok: true, calls: 1 })]);
});

test('a 5xx from Anthropic is retried by the SDK and then succeeds', async () => {
  anthropic.enqueue(serverErrorReply(529, 15));

  const outcome = await analyzePipeline(input, { settings: settings({ DEFAULT_AI_PROVIDER: 'anthropic' }) });

  expect(anthropic.requests).toHaveLength(2);
  expect(outcome.provider).toBe('anthropic');
});

test('a provider that times out is left for the next provider of the fallback list', async () => {
  openai.enqueue({ hang: true }, { hang: true });

  const outcome = await analyzePipeline(input, {
    settings: settings({ DEFAULT_AI_PROVIDER: 'openai', AI_FALLBACK_PROVIDERS: 'anthropic', AI_TIMEOUT_MS: '150', AI_MAX_RETRIES: '1' }),
  });

  expect(outcome.provider).toBe('anthropic');
  expect(ZAnalysisResult.safeParse(outcome.result).success).toBe(true);
  expect(outcome.attempts.map((a) => [a.provider, a.ok, a.reason])).toEqual([
    ['openai', false, 'timeout'],
    ['anthropic', true, undefined],
  ]);
  // The SDK retried the timed-out call once before giving up.
  expect(openai.requests).toHaveLength(2);
});

test('when every provider fails the error names each one and why', async () => {
  openai.enqueue(serverErrorReply(503));

  const error = await analyzePipeline(input, {
    settings: settings({
      DEFAULT_AI_PROVIDER: 'openai',
      AI_FALLBACK_PROVIDERS: 'anthropic,azure_openai',
      AI_MAX_RETRIES: '0',
      ANTHROPIC_API_KEY: 'wrong-key',
      AZURE_OPENAI_API_KEY: '',
    }),
  }).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(AnalysisFailedError);
  const failed = error as AnalysisFailedError;
  expect(failed.attempts.map((a) => [a.provider, a.reason])).toEqual([
    ['openai', 'server_error'],
    ['anthropic', 'auth'],
    ['azure_openai', 'not_configured'],
  ]);
  expect(failed.message).toContain('azure_openai: not_configured - AZURE_OPENAI_API_KEY is not set');
});

test('the offline provider at the end of the fallback list still gives a valid result', async () => {
  openai.enqueue(serverErrorReply(500));

  const outcome = await analyzePipeline(input, {
    settings: settings({ DEFAULT_AI_PROVIDER: 'openai', AI_FALLBACK_PROVIDERS: 'offline', AI_MAX_RETRIES: '0' }),
  });

  expect(outcome.provider).toBe('offline');
  expect(outcome.model).toBe('rules');
  expect(outcome.promptVersion).toBeNull();
  expect(outcome.result.source?.kind).toBe('rules');
  expect(ZAnalysisResult.safeParse(outcome.result).success).toBe(true);
});
