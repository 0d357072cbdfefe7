import { z } from 'zod';
import { ZAnalysisResult, ZAnalysisStatus, ZAnalysisView, ZCategory, ZTrigger, ZVerdictStats } from '@cia/contracts';

export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;

/** ISO date (`2026-11-01`) or date-time with offset (`2026-11-01T08:00:00Z`). */
export const ZSince = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/** Filters shared by the list and the summary; unknown query parameters are ignored. */
export const ZAnalysisFilterQuery = z.object({
  project_id: z.coerce.number().int().positive().optional().describe('GitLab project id'),
  status: ZAnalysisStatus.optional(),
  category: ZCategory.optional().describe('failure category of completed analyses'),
  trigger: ZTrigger.optional(),
  since: ZSince.optional().describe('only analyses created at or after this date / date-time'),
});
export type TAnalysisFilterQuery = z.infer<typeof ZAnalysisFilterQuery>;

export const ZAnalysisListQuery = ZAnalysisFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(LIST_LIMIT_DEFAULT).describe(`page size (max ${LIST_LIMIT_MAX})`),
  cursor: z.string().min(1).optional().describe('next_cursor of the previous page'),
});

/** List items carry the result without its excerpts and solutions (read those per request_id). */
export const ZAnalysisResultBrief = ZAnalysisResult.pick({
  summary: true,
  root_cause: true,
  category: true,
  severity: true,
  confidence: true,
  fingerprint: true,
  flaky_suspected: true,
  source: true,
});

export const ZAnalysisListItem = ZAnalysisView.extend({ result: ZAnalysisResultBrief.nullable() });
export type TAnalysisListItem = z.infer<typeof ZAnalysisListItem>;

export const ZAnalysisPage = z.object({
  items: z.array(ZAnalysisListItem),
  next_cursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});

const ZPercentiles = z.object({ p50: z.number().nullable(), p95: z.number().nullable() });

export const ZAnalysisSummary = z.object({
  total: z.number().int(),
  by_status: z.record(z.string(), z.number().int()),
  by_category: z.record(z.string(), z.number().int()),
  by_provider: z.record(z.string(), z.number().int()),
  success_rate: z.number().min(0).max(1).nullable().describe('completed / (completed + failed)'),
  processing_seconds: ZPercentiles.describe('worker start to result'),
  end_to_end_seconds: ZPercentiles.describe('trigger received to result'),
  tokens: z.object({ input: z.number().int(), output: z.number().int(), total: z.number().int() }),
  cost_usd: z.number(),
  cache_hits: z.number().int(),
  verdicts: ZVerdictStats.describe('verdicts of the failed jobs of these analyses, and the flaky retries'),
});
