import { and, eq, sql } from 'drizzle-orm';
import type { TDb } from '../client';
import { analyses, postedNotes } from '../schema';

/**
 * `posting`: a claim taken before the note is created (note_id 0 until then), so two workers never
 * create two notes for one target; `failing`: the note shows a failure; `fixed`: a later pipeline passed.
 */
export const POSTED_NOTE_STATES = ['posting', 'failing', 'fixed'] as const;
export type TPostedNoteState = (typeof POSTED_NOTE_STATES)[number];

export type TPostedNoteRow = typeof postedNotes.$inferSelect;
/** The note with the analysis it shows (its pipeline tells which events are older than the note). */
export type TPostedNote = TPostedNoteRow & { analysis: typeof analyses.$inferSelect | null };

export type TPostedNoteKey = { projectId: number; target: string };

export async function findPostedNote(db: TDb, key: TPostedNoteKey): Promise<TPostedNote | undefined> {
  const [row] = await db
    .select({ note: postedNotes, analysis: analyses })
    .from(postedNotes)
    .leftJoin(analyses, eq(analyses.id, postedNotes.analysisId))
    .where(and(eq(postedNotes.projectId, key.projectId), eq(postedNotes.target, key.target)))
    .limit(1);
  return row ? { ...row.note, analysis: row.analysis } : undefined;
}

/** Takes the target for this analysis when nobody has it yet; false when a row already exists. */
export async function claimPostedNote(db: TDb, key: TPostedNoteKey & { analysisId: number; fingerprint: string | null }): Promise<boolean> {
  const inserted = await db
    .insert(postedNotes)
    .values({
      projectId: key.projectId,
      target: key.target,
      noteId: 0,
      analysisId: key.analysisId,
      fingerprint: key.fingerprint,
      state: 'posting',
    })
    .onConflictDoNothing({ target: [postedNotes.projectId, postedNotes.target] })
    .returning({ id: postedNotes.id });
  return inserted.length > 0;
}

export async function savePostedNote(
  db: TDb,
  note: TPostedNoteKey & {
    noteId: number;
    analysisId: number | null;
    fingerprint: string | null;
    state: TPostedNoteState;
    pipelineId?: number | null;
  },
): Promise<void> {
  const { projectId: _p, target: _t, ...rest } = note;
  await db
    .insert(postedNotes)
    .values(note)
    .onConflictDoUpdate({ target: [postedNotes.projectId, postedNotes.target], set: { ...rest, updatedAt: new Date() } });
}

export async function setPostedNoteState(db: TDb, key: TPostedNoteKey, state: TPostedNoteState, pipelineId?: number): Promise<void> {
  await db
    .update(postedNotes)
    .set({ state, updatedAt: new Date(), ...(pipelineId === undefined ? {} : { pipelineId }) })
    .where(and(eq(postedNotes.projectId, key.projectId), eq(postedNotes.target, key.target)));
}

/** Cheap check for the webhook path: is there any note of this project still showing a failure? */
export async function hasFailingNotes(db: TDb, projectId: number): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(postedNotes)
    .where(and(eq(postedNotes.projectId, projectId), eq(postedNotes.state, 'failing')))
    .limit(1);
  return row !== undefined;
}
