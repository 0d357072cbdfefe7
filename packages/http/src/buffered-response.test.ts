import { bufferedResponse } from './buffered-response';

// Node's own Response throws TypeErrors of the outer realm, which jest's `TypeError` is not.
const typeError = expect.objectContaining({ name: 'TypeError' }) as unknown;

const bytes = Buffer.from(JSON.stringify({ answer: 'é ✓', n: 1 }));
const init = { status: 201, statusText: 'Created', headers: [['content-type', 'application/json'], ['x-request-id', 'req_1']] as [string, string][] };

// Every behaviour is checked on a standard Response too: the buffered one must not differ.
const kinds: [string, () => Response][] = [
  ['standard', () => new Response(bytes, init)],
  ['buffered', () => bufferedResponse(bytes, init, 'http://127.0.0.1/v1/x')],
];

describe.each(kinds)('%s Response over bytes', (_kind, make) => {
  it('has the status, headers and body it was given', async () => {
    const res = make();
    expect(res).toBeInstanceOf(Response);
    expect([res.status, res.statusText, res.ok]).toEqual([201, 'Created', true]);
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(res.bodyUsed).toBe(false);
    expect(await res.json()).toEqual({ answer: 'é ✓', n: 1 });
    expect(res.bodyUsed).toBe(true);
  });

  it('is read once, whichever reader comes second', async () => {
    const res = make();
    expect(await res.text()).toBe(bytes.toString('utf8'));
    await expect(res.json()).rejects.toEqual(typeError);
    await expect(res.arrayBuffer()).rejects.toEqual(typeError);
    await expect(res.blob()).rejects.toEqual(typeError);
    expect(() => res.clone()).toThrow(/consumed|unusable|used/i);
  });

  it('gives the same bytes through every reader and its stream', async () => {
    expect(Buffer.from(await make().arrayBuffer()).equals(bytes)).toBe(true);
    expect(Buffer.from(await (make() as Response & { bytes(): Promise<Uint8Array> }).bytes()).equals(bytes)).toBe(true);
    expect(await (await make().blob()).text()).toBe(bytes.toString('utf8'));
    const streamed = make();
    const chunks: Uint8Array[] = [];
    for await (const c of streamed.body as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.text()).rejects.toEqual(typeError);
  });

  it('clones into an independent copy before it is read', async () => {
    const res = make();
    const copy = res.clone();
    expect(await res.json()).toEqual(await copy.json());
    expect(copy.headers.get('content-type')).toBe('application/json');
  });

  it('hands out a used stream once the body was read', async () => {
    const res = make();
    await res.text();
    expect(res.body?.locked ?? true).toBe(true);
  });
});

it('answers from the URL it was given', () => {
  expect(bufferedResponse(bytes, init, 'http://127.0.0.1/v1/x').url).toBe('http://127.0.0.1/v1/x');
});
