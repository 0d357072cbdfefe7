import { testConfig } from '@cia/config/testing';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { startIngest, type TIngestHandle } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { createTestPrefix } from '@cia/queue/testing';
import { startWorker, type TWorkerHandle } from '@cia/worker';

/**
 * The built-in scenarios are what a new user tries first: through the real path and the offline
 * analyzer, each gets its category and a root cause and fix that name the scenario's evidence.
 */
const logger = createLogger({ service: 'test', silent: true });
let database: TTestDatabase;
let redis: ReturnType<typeof createTestPrefix>;
let ingest: TIngestHandle;
let worker: TWorkerHandle;

type TResult = { category: string; root_cause: string; summary: string; solutions: { steps: string[]; commands?: string[] }[] };

/** What each scenario's log says, that its root cause (or fix) must repeat. */
const EXPECTED: Record<string, { category: string; rootCause: string[]; command?: string }> = {
  build: { category: 'build', rootCause: ['src/orders/order-service.ts:42', 'TS2339', "Property 'totalPrice' does not exist"] },
  test: {
    category: 'test',
    rootCause: ['tests/test_invoice.py::test_invoice_total', 'assert 15 == 16'],
    command: "pytest 'tests/test_invoice.py::test_invoice_total' -vv",
  },
  deploy: { category: 'deployment', rootCause: ['10.0.0.1:6443', 'i/o timeout', 'k8s/deployment.yaml'], command: 'nc -zv 10.0.0.1 6443' },
  dependency: { category: 'dependency', rootCause: ['react-beautiful-dnd@13.1.1', 'react@"^17.0.0"', 'react@18.2.0'] },
  timeout: { category: 'timeout', rootCause: ['1h0m0s'] },
};

beforeAll(async () => {
  database = await createTestDatabase('scenarios');
  redis = createTestPrefix('scenarios');
  const config = testConfig({ REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, HOST: '127.0.0.1' });
  worker = await startWorker(config, { database, logger });
  ingest = await startIngest(config, { database, logger, port: 0 });
});

afterAll(async () => {
  await ingest?.close();
  await worker?.close();
  await database?.drop();
  await redis?.cleanup();
});

async function runScenario(name: string): Promise<TResult> {
  const res = await fetch(`${ingest.url}/test/scenarios/${name}`);
  expect(res.status).toBe(202);
  const { request_id } = (await res.json()) as { request_id: string };
  for (let i = 0; i < 150; i++) {
    const view = (await (await fetch(`${ingest.url}/analysis/${request_id}`)).json()) as {
      status: string;
      provider: string;
      result: TResult;
    };
    if (view.status === 'completed') {
      expect(view.provider).toBe('offline');
      return view.result;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`scenario ${name} never completed`);
}

test('every built-in scenario has an expectation here', async () => {
  const list = (await (await fetch(`${ingest.url}/test/scenarios`)).json()) as { scenarios: { name: string; category: string }[] };
  expect(list.scenarios.map((s) => s.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  for (const s of list.scenarios) expect(EXPECTED[s.name]?.category).toBe(s.category);
});

test.each(Object.entries(EXPECTED))(
  'scenario %s: the right category, a root cause naming its evidence, a fix without placeholders',
  async (name, expected) => {
    const result = await runScenario(name);
    expect(result.category).toBe(expected.category);
    for (const evidence of expected.rootCause) expect(result.root_cause).toContain(evidence);
    const commands = result.solutions.flatMap((s) => s.commands ?? []);
    if (expected.command) expect(commands).toContain(expected.command);
    expect(commands.filter((c) => /<[A-Za-z_]\w*>/.test(c))).toEqual([]);
    if (expected.category !== 'build') expect(result.root_cause).not.toMatch(/compil/i);
  },
);
