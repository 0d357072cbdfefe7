export { startWorker, type TWorkerHandle } from './start';
export { WORKER_NODE_FLAGS } from './node-flags';
