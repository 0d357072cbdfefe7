import { AzureOpenAI } from 'openai';
import type { TAiSettings } from '../settings';
import { completeWithChatApi } from './openai-chat';
import type { TClientOptions, TProvider } from './provider.types';
import { sdkClientOptions } from './sdk-proxy';

/** Azure OpenAI: requests go to {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=... */
export function createAzureOpenAiProvider(settings: TAiSettings, options: TClientOptions): TProvider {
  const endpoint = (settings.AZURE_OPENAI_ENDPOINT ?? '').replace(/\/+$/, '');
  // baseURL rather than endpoint: AzureOpenAI would otherwise take OPENAI_BASE_URL from process.env.
  const client = new AzureOpenAI({
    apiKey: settings.AZURE_OPENAI_API_KEY,
    baseURL: `${endpoint}/openai`,
    deployment: settings.AZURE_OPENAI_DEPLOYMENT,
    apiVersion: settings.AZURE_OPENAI_API_VERSION,
    ...sdkClientOptions(options),
  });
  const model = settings.AZURE_OPENAI_DEPLOYMENT;
  return {
    name: 'azure_openai',
    model,
    complete: (request) =>
      completeWithChatApi(client, 'azure_openai', model, request, { preferMaxCompletionTokens: false, timeoutMs: options.timeoutMs }),
  };
}
