import type OpenAI from 'openai';
import { ProviderError, toProviderError } from '../errors';
import type { TProviderName } from '../settings';
import type { TCompletion, TCompletionRequest } from './provider.types';
import { buildUserMessage } from './repair-message';

/** Reasoning models take `max_completion_tokens` and no temperature. */
const REASONING_MODEL = /^(?:[\w-]+\/)?(o\d|gpt-5)/;

/**
 * One Chat Completions call with structured output (json_schema, else JSON mode). Shared by OpenAI, compatible
 * servers and Azure OpenAI, which speak the same API. `strict` stays off: the schema uses optional
 * fields and bounds that strict mode rejects, and every answer is validated with zod anyway.
 */
export async function completeWithChatApi(
  client: OpenAI,
  provider: TProviderName,
  model: string,
  request: TCompletionRequest,
  options: { preferMaxCompletionTokens: boolean; timeoutMs: number },
): Promise<TCompletion> {
  const reasoning = REASONING_MODEL.test(model);
  const limit =
    reasoning || options.preferMaxCompletionTokens
      ? { max_completion_tokens: request.maxOutputTokens }
      : { max_tokens: request.maxOutputTokens };
  const create = (jsonSchema: boolean) =>
    client.chat.completions.create({
      model,
      messages: [
        // Without json_schema support the schema travels in the system prompt instead.
        {
          role: 'system',
          content: jsonSchema ? request.system : `${request.system}\n\nJSON Schema of the answer:\n${JSON.stringify(request.schema)}`,
        },
        { role: 'user', content: buildUserMessage(request) },
      ],
      response_format: jsonSchema
        ? { type: 'json_schema', json_schema: { name: request.schemaName, schema: request.schema, strict: false } }
        : { type: 'json_object' },
      ...limit,
      ...(reasoning ? {} : { temperature: 0.2 }),
    });
  let response: OpenAI.Chat.Completions.ChatCompletion;
  const started = Date.now();
  try {
    try {
      response = await create(true);
    } catch (err) {
      // Some OpenAI-compatible servers reject json_schema (400 naming response_format); JSON mode works there.
      const e = toProviderError(provider, err);
      if (e.reason !== 'bad_request' || !/response_format|json_schema/i.test(e.message)) throw err;
      response = await create(false);
    }
  } catch (err) {
    throw toProviderError(provider, err, { elapsedMs: Date.now() - started, timeoutMs: options.timeoutMs });
  }
  const choice = response.choices[0];
  const usage = { inputTokens: response.usage?.prompt_tokens ?? 0, outputTokens: response.usage?.completion_tokens ?? 0 };
  if (choice?.message.refusal) {
    throw new ProviderError(provider, 'invalid_output', `the model refused: ${choice.message.refusal.slice(0, 300)}`, undefined, usage);
  }
  return { text: choice?.message.content ?? '', ...usage, model: response.model || model };
}
