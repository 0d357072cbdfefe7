import { z } from 'zod';

export const ERROR_CODES = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'payload_too_large',
  'unsupported_media_type',
  'service_unavailable',
  'internal',
] as const;
export type TErrorCode = (typeof ERROR_CODES)[number];

/** The one error body every endpoint answers with (SPEC §2). */
export const ZApiError = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), field: z.string().optional() }),
});
export type TApiError = z.infer<typeof ZApiError>;
