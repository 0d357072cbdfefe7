import { pipelineHook } from '../../tests/fixtures/gitlab-payloads';

export type TFuzzRequest = { kind: string; headers: Record<string, string>; body: string };

/** A small seeded generator (mulberry32): the same seed gives the same 1,000 requests. */
export function createRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

const WEIRD_VALUES: unknown[] = [
  'abc',
  -5,
  0,
  1.5,
  null,
  {},
  [],
  true,
  '',
  'x'.repeat(300),
  { id: 1 },
  [1, 2, 3],
  1e308,
  '${jndi:ldap://x}',
  '<script>',
];

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * Requests every one of which ingest must refuse with a 4xx: wrong token, malformed or truncated
 * JSON, random bytes, wrong content type, an oversized body, and Pipeline Hooks whose required
 * fields have the wrong type or are missing. `token` is the configured webhook secret.
 */
export function buildFuzzedRequests(count: number, seed: number, o: { token: string; bodyLimitBytes: number }): TFuzzRequest[] {
  const rnd = createRandom(seed);
  const out: TFuzzRequest[] = [];
  const json = { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', 'x-gitlab-token': o.token };
  const valid = () => JSON.stringify(pipelineHook({ pipelineId: rnd.int(1, 1e9) }));
  const generators: Record<string, () => TFuzzRequest> = {
    'wrong token': () => ({
      kind: 'wrong token',
      headers: { ...json, 'x-gitlab-token': rnd.pick(['', 'nope', o.token.slice(1), `${o.token}x`]) },
      body: valid(),
    }),
    'truncated JSON': () => {
      const text = valid();
      return { kind: 'truncated JSON', headers: json, body: text.slice(0, rnd.int(1, text.length - 2)) };
    },
    'random bytes': () => {
      let body: string;
      do body = Array.from({ length: rnd.int(1, 400) }, () => String.fromCharCode(rnd.int(1, 0x2fff))).join('');
      while (isJson(body));
      return { kind: 'random bytes', headers: json, body };
    },
    'wrong content type': () => ({
      kind: 'wrong content type',
      headers: {
        ...json,
        'content-type': rnd.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']),
      },
      body: valid(),
    }),
    'oversized body': () => {
      const doc = pipelineHook({ pipelineId: rnd.int(1, 1e9) }) as Record<string, unknown>;
      doc.padding = 'x'.repeat(o.bodyLimitBytes + rnd.int(1, 50_000));
      return { kind: 'oversized body', headers: json, body: JSON.stringify(doc) };
    },
    'wrong field types': () => {
      const doc = pipelineHook({ pipelineId: rnd.int(1, 1e9) }) as Record<string, unknown>;
      const attrs = doc.object_attributes as Record<string, unknown>;
      const target = rnd.pick(['object_attributes.id', 'object_attributes', 'project', 'project.id'] as const);
      let value: unknown;
      do value = rnd.pick(WEIRD_VALUES);
      while (
        target === 'object_attributes' &&
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length > 0
      );
      const badIds = ['abc', -5, 0, 1.5, null, {}, [], true, ''];
      if (target === 'object_attributes.id') attrs.id = rnd.pick(badIds);
      else if (target === 'object_attributes') doc.object_attributes = value;
      else if (target === 'project') doc.project = rnd.pick([null, 'abc', 5, []]);
      else (doc.project as Record<string, unknown>).id = rnd.pick(badIds);
      return { kind: `wrong field types (${target})`, headers: json, body: JSON.stringify(doc) };
    },
    'missing fields': () => {
      const doc = pipelineHook({ pipelineId: rnd.int(1, 1e9) }) as Record<string, unknown>;
      const drop = rnd.pick(['object_attributes', 'project'] as const);
      delete doc[drop];
      return { kind: `missing ${drop}`, headers: json, body: JSON.stringify(doc) };
    },
    'not an object': () => ({
      kind: 'not an object',
      headers: json,
      body: rnd.pick(['[]', '1', '"pipeline"', 'null', 'true', '[{"object_kind":"pipeline"}]']),
    }),
  };
  const kinds = Object.keys(generators);
  for (let i = 0; i < count; i++) out.push(generators[kinds[i % kinds.length]!]!());
  return out;
}
