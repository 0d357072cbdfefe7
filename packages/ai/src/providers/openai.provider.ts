import OpenAI from 'openai';
import type { TAiSettings } from '../settings';
import { completeWithChatApi } from './openai-chat';
import type { TClientOptions, TProvider } from './provider.types';
import { sdkClientOptions } from './sdk-proxy';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** OpenAI, or any OpenAI-compatible server (OpenRouter, Ollama, vLLM, LM Studio) via OPENAI_BASE_URL. */
export function createOpenAiProvider(settings: TAiSettings, options: TClientOptions): TProvider {
  // Explicit values everywhere: the SDK would otherwise read OPENAI_* from process.env itself.
  const client = new OpenAI({
    apiKey: settings.OPENAI_API_KEY ?? 'not-needed',
    baseURL: settings.OPENAI_BASE_URL ?? OPENAI_DEFAULT_BASE_URL,
    organization: null,
    project: null,
    ...sdkClientOptions(options),
  });
  const official = !settings.OPENAI_BASE_URL || settings.OPENAI_BASE_URL.startsWith(OPENAI_DEFAULT_BASE_URL);
  const model = settings.OPENAI_MODEL;
  return {
    name: 'openai',
    model,
    complete: (request) =>
      completeWithChatApi(client, 'openai', model, request, { preferMaxCompletionTokens: official, timeoutMs: options.timeoutMs }),
  };
}
