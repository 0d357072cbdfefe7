export {
  startFakeProviderServer,
  startFakeOpenAi,
  startFakeAnthropic,
  startFakeAzureOpenAi,
  readPromptText,
  type TFakeProviderServer,
  type TFakeProviderKind,
  type TFakeProviderOptions,
  type TRecordedRequest,
} from './fake-provider.server';
export {
  openAiChatReply,
  anthropicToolReply,
  anthropicTextReply,
  rateLimitReply,
  serverErrorReply,
  type TFakeReply,
} from './provider-replies';
export { buildSampleAnswer, readJobIdsFromPrompt } from './sample-answers';
export { buildSampleInput, SAMPLE_LOGS } from './sample-inputs';
