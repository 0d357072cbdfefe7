import Anthropic from '@anthropic-ai/sdk';
import { ProviderError, toProviderError } from '../errors';
import type { TAiSettings } from '../settings';
import type { TClientOptions, TCompletion, TProvider } from './provider.types';
import { buildUserMessage } from './repair-message';
import { sdkClientOptions } from './sdk-proxy';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** Anthropic Messages API; the structured answer comes as the input of a forced tool call. */
export function createAnthropicProvider(settings: TAiSettings, options: TClientOptions): TProvider {
  const client = new Anthropic({
    apiKey: settings.ANTHROPIC_API_KEY ?? null,
    baseURL: settings.ANTHROPIC_BASE_URL ?? ANTHROPIC_DEFAULT_BASE_URL,
    ...sdkClientOptions(options),
  });
  const model = settings.ANTHROPIC_MODEL;
  return {
    name: 'anthropic',
    model,
    async complete(request): Promise<TCompletion> {
      let response: Anthropic.Messages.Message;
      const started = Date.now();
      try {
        response = await client.messages.create({
          model,
          max_tokens: request.maxOutputTokens,
          system: request.system,
          messages: [{ role: 'user', content: buildUserMessage(request) }],
          tools: [
            {
              name: request.schemaName,
              description: 'Submit the analysis of the failed pipeline.',
              input_schema: { type: 'object', ...request.schema },
            },
          ],
          tool_choice: { type: 'tool', name: request.schemaName },
        });
      } catch (err) {
        throw toProviderError('anthropic', err, { elapsedMs: Date.now() - started, timeoutMs: options.timeoutMs });
      }
      const usage = { inputTokens: response.usage.input_tokens, outputTokens: response.usage.output_tokens };
      const tool = response.content.find((b) => b.type === 'tool_use');
      if (tool && tool.type === 'tool_use') return { text: JSON.stringify(tool.input), ...usage, model: response.model || model };
      const text = response.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      if (!text)
        throw new ProviderError(
          'anthropic',
          'invalid_output',
          `no tool call and no text (stop_reason ${response.stop_reason})`,
          undefined,
          usage,
        );
      return { text, ...usage, model: response.model || model };
    },
  };
}
