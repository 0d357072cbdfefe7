export { startFakeReceiver, type TFakeReceiver, type TReceivedRequest } from './fake-receiver.server';
export { seedAnalysis, sampleResult, verdictOf, postbackSettings, PROJECT, SHA_MR, SHA_ALONE } from './postback-fixtures';
