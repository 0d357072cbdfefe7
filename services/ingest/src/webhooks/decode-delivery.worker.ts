import { parentPort } from 'node:worker_threads';
import { AppError } from '../http/app-error';
import { assertShallowJson, decodeDelivery } from './decode-delivery';
import type { TDecodeReply, TDecodeRequest } from './decode-off-thread';

/** Worker thread of decode-off-thread.ts: big delivery bodies are parsed and validated here. */
parentPort?.on('message', (request: TDecodeRequest) => {
  let reply: TDecodeReply;
  try {
    assertShallowJson(request.body);
    const raw = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString('utf8');
    reply = { id: request.id, ok: true, decoded: decodeDelivery(request.eventHeader, raw, { audit: request.audit }) };
  } catch (err) {
    const e = err instanceof AppError ? err : new AppError('internal', `could not decode the delivery: ${(err as Error).message}`);
    reply = { id: request.id, ok: false, error: { code: e.code, message: e.message, field: e.field } };
  }
  parentPort?.postMessage(reply);
});
