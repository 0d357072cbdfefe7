export { acceptFailure, type TIntakeDeps, type TAcceptOutcome } from './accept-failure';
export { startOutboxRelay, type TOutboxRelay, type TOutboxOptions } from './outbox-relay';
