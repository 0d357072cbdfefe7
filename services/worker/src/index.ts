export { startWorker, type TWorkerHandle } from './start';
