/** Bodies in the shapes the real APIs answer with, for the fake servers' scripts. */
export type TFakeReply = {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body; `text` wins when both are set. */
  json?: unknown;
  text?: string;
  /** Never answer (the client's timeout fires); the connection is closed with the server. */
  hang?: boolean;
};

export type TUsage = { input: number; output: number };

/** A Chat Completions answer whose message content is `content` (objects are JSON-encoded). */
export function openAiChatReply(content: unknown, options: { model?: string; usage?: TUsage } = {}): TFakeReply {
  const usage = options.usage ?? { input: 1200, output: 300 };
  return {
    json: {
      id: `chatcmpl-${Math.random().toString(36).slice(2, 10)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: options.model ?? 'gpt-4o-mini-2024-07-18',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: typeof content === 'string' ? content : JSON.stringify(content), refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
    },
  };
}

/** A Messages API answer with the given content blocks. */
function anthropicMessage(
  content: unknown[],
  stopReason: string,
  options: { model?: string; usage?: TUsage },
  defaultOutput: number,
): TFakeReply {
  const usage = options.usage ?? { input: 1300, output: defaultOutput };
  return {
    json: {
      id: `msg_${Math.random().toString(36).slice(2, 12)}`,
      type: 'message',
      role: 'assistant',
      model: options.model ?? 'claude-3-5-haiku-20241022',
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: usage.input, output_tokens: usage.output },
    },
  };
}

/** A Messages API answer that calls the tool `toolName` with `input`. */
export function anthropicToolReply(input: unknown, options: { model?: string; usage?: TUsage; toolName?: string } = {}): TFakeReply {
  const block = {
    type: 'tool_use',
    id: `toolu_${Math.random().toString(36).slice(2, 12)}`,
    name: options.toolName ?? 'pipeline_failure_analysis',
    input,
  };
  return anthropicMessage([block], 'tool_use', options, 350);
}

/** A Messages API answer with plain text (a model that ignored the tool). */
export function anthropicTextReply(text: string, options: { model?: string; usage?: TUsage } = {}): TFakeReply {
  return anthropicMessage([{ type: 'text', text }], 'end_turn', options, 5);
}

/**
 * 429 as the providers send it: `retry-after` in seconds and `retry-after-ms`, which both SDKs
 * prefer; a small value keeps tests fast while still exercising the header.
 */
export function rateLimitReply(retryAfterMs = 20): TFakeReply {
  return {
    status: 429,
    headers: { 'retry-after': String(Math.ceil(retryAfterMs / 1000)), 'retry-after-ms': String(retryAfterMs) },
    json: { error: { type: 'rate_limit_error', message: 'Rate limit reached. Retry later.' } },
  };
}

/** A 5xx (Anthropic's overload is 529); `retryAfterMs` keeps the SDK's backoff short in tests. */
export function serverErrorReply(status = 500, retryAfterMs?: number): TFakeReply {
  return {
    status,
    ...(retryAfterMs === undefined ? {} : { headers: { 'retry-after-ms': String(retryAfterMs) } }),
    json: { error: { type: status === 529 ? 'overloaded_error' : 'api_error', message: 'Internal server error' } },
  };
}
