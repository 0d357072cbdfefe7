import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TErrorCode } from '@cia/contracts';
import { AppError } from '../http/app-error';
import type { TDecodedDelivery } from './decode-delivery';

export type TDecodeRequest = { id: number; eventHeader: string | undefined; body: Uint8Array; audit: boolean };
export type TDecodeReply =
  | { id: number; ok: true; decoded: TDecodedDelivery }
  | { id: number; ok: false; error: { code: TErrorCode; message: string; field?: string } };

export type TOffThreadDecoder = {
  /** Parses and validates a body in a worker thread; rejects with the AppError decoding gave. */
  decode(eventHeader: string | undefined, body: Buffer, options?: { audit?: boolean }): Promise<TDecodedDelivery>;
  close(): Promise<void>;
};

const WORKER_FILE = path.join(__dirname, 'decode-delivery.worker.ts');
// The services run from their TypeScript sources: the thread registers tsx's require hook itself,
// so it loads the same way under `node --import tsx`, jest and the benchmarks.
const BOOTSTRAP = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();\nrequire(${JSON.stringify(WORKER_FILE)});`;
// A 25 MB body parses into a few hundred MB; the cap keeps a hostile one from taking the process with it.
const THREAD_HEAP_MB = 1024;

type TPending = { resolve(decoded: TDecodedDelivery): void; reject(err: Error): void };
type TThread = { worker: Worker; pending: Map<number, TPending>; idle?: NodeJS.Timeout };

/**
 * A small pool of worker threads for big delivery bodies: JSON.parse and validation of a 25 MB
 * body take a few hundred milliseconds, which on the main thread would stall every other request
 * (health checks, small webhooks). Threads start on first use and stop after `idleMs` without
 * work; an idle thread never holds the process open.
 */
export function createOffThreadDecoder(options: { threads?: number; idleMs?: number } = {}): TOffThreadDecoder {
  const size = options.threads ?? Math.max(1, Math.min(2, os.availableParallelism() - 1));
  const idleMs = options.idleMs ?? 30_000;
  const threads: (TThread | undefined)[] = new Array(size).fill(undefined);
  let nextId = 1;

  const failAll = (thread: TThread, err: Error) => {
    for (const p of thread.pending.values()) p.reject(err);
    thread.pending.clear();
  };

  const start = (slot: number): TThread => {
    const worker = new Worker(BOOTSTRAP, { eval: true, execArgv: [], resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB } });
    const thread: TThread = { worker, pending: new Map() };
    worker.on('message', (reply: TDecodeReply) => {
      const p = thread.pending.get(reply.id);
      thread.pending.delete(reply.id);
      if (thread.pending.size === 0) settle(slot, thread);
      if (!p) return;
      if (reply.ok) p.resolve(reply.decoded);
      else p.reject(new AppError(reply.error.code, reply.error.message, reply.error.field));
    });
    worker.on('error', (err: Error & { code?: string }) => {
      // Bodies are decoded one at a time: the oldest pending one is the body that broke the thread.
      const [first] = thread.pending.values();
      if (first && err.code === 'ERR_WORKER_OUT_OF_MEMORY')
        first.reject(new AppError('payload_too_large', 'the body needs more memory to decode than allowed'));
      failAll(thread, new AppError('service_unavailable', 'the delivery could not be decoded right now; retry later'));
    });
    worker.on('exit', () => {
      failAll(thread, new AppError('service_unavailable', 'the delivery could not be decoded right now; retry later'));
      if (threads[slot] === thread) threads[slot] = undefined;
    });
    threads[slot] = thread;
    return thread;
  };

  const settle = (slot: number, thread: TThread) => {
    thread.worker.unref();
    clearTimeout(thread.idle);
    thread.idle = setTimeout(() => {
      if (thread.pending.size === 0 && threads[slot] === thread) void thread.worker.terminate();
    }, idleMs);
    thread.idle.unref();
  };

  const pick = (): TThread => {
    let best = 0;
    for (let i = 0; i < size; i++) {
      const t = threads[i];
      if (!t) return start(i);
      if (t.pending.size < (threads[best]?.pending.size ?? 0)) best = i;
    }
    return threads[best] ?? start(best);
  };

  return {
    decode(eventHeader, body, opts = {}) {
      const thread = pick();
      const id = nextId++;
      clearTimeout(thread.idle);
      thread.worker.ref();
      // A body with its own ArrayBuffer moves to the thread without a copy; a slice of a pool is copied.
      const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
      const view = own ? new Uint8Array(body.buffer, 0, body.byteLength) : new Uint8Array(body);
      const request: TDecodeRequest = { id, eventHeader, body: view, audit: opts.audit ?? true };
      return new Promise<TDecodedDelivery>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        thread.worker.postMessage(request, [view.buffer as ArrayBuffer]);
      });
    },
    async close() {
      await Promise.all(threads.map((t) => t?.worker.terminate()));
    },
  };
}
