export { createApp } from './app';
export { startIngest, type TIngestHandle } from './start';
export { AppError } from './http/app-error';
export type { TIngestDeps } from './ingest-deps';
