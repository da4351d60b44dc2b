/**
 * What one completed case adds to the dashboard, as the hall keeps it beside the case: its
 * figures by name and its timed pulls. Ingest stores them with every completed case and adds a
 * real case's to the daily tallies; a training case's are kept on the case alone, for the
 * training scope (shared/hall-api `TrainingFlag`), which sums them over the training cases.
 */
import { tallyCases, type CaseTally } from '../shared/dashboard-stats';
import type { PurgedCase } from '../shared/counter-case';
import type { HallCompletedCase } from '../shared/hall-api';
import { MATERIAL_OUTCOMES, PAPER_REASONS } from '../shared/library-api';
import { VERIFICATION_OUTCOMES } from '../shared/licence-verify';
import { sql, type Database } from './db';

/** The dashboard figures one completed case adds, by name (`cases`, `material:exempt`, `paper:elderly`, `outcome:valid`, `pulls`). */
export function figuresOf(tally: CaseTally): Record<string, number> {
  const figures: Record<string, number> = {};
  if (tally.cases) figures.cases = tally.cases;
  for (const k of MATERIAL_OUTCOMES) if (tally.materials[k]) figures[`material:${k}`] = tally.materials[k];
  for (const k of PAPER_REASONS) if (tally.paperByReason[k]) figures[`paper:${k}`] = tally.paperByReason[k];
  for (const k of VERIFICATION_OUTCOMES) if (tally.outcomes[k]) figures[`outcome:${k}`] = tally.outcomes[k];
  if (tally.latencies.length) figures.pulls = tally.latencies.length;
  return figures;
}

/** A completed case's figures (`cases`, `material:exempt`, …), its pull latencies in whole ms, and the longest. */
export interface CaseFigures {
  figures: Record<string, number>;
  latencies: number[];
  maxLatency: number | null;
}

/** The figures of a completed case, of its own scope: a training case is counted as training (shared/dashboard-stats `CaseScope`). */
export function caseFigures(completed: Pick<HallCompletedCase, 'training' | 'materials'>): CaseFigures {
  // The shapes the tally reads (outcomes, paper reasons, licence outcomes, latencies) are
  // PurgedCase's own; only the paper scan's local blob key differs, and the tally never reads it.
  const tally = tallyCases([completed as unknown as PurgedCase], completed.training ? 'training' : 'production');
  const latencies = tally.latencies.map((ms) => Math.round(ms));
  return { figures: figuresOf(tally), latencies, maxLatency: latencies.length ? Math.max(...latencies) : null };
}

// A completed case always has a material, so always the figure `cases`: empty figures on a
// completed training case are those of a hall before the training scope, which kept none.
const unfigured = sql<{ workstation_id: string; case_no: string; record: string }, [number]>(
  `SELECT workstation_id, case_no, record FROM cases WHERE status = 'completed' AND training AND counts = '{}'::jsonb LIMIT $1`,
);
const setFigures = sql<unknown, [string, string, string, number | null, number[]]>(
  'UPDATE cases SET counts = $3::jsonb, max_latency = $4, latencies = $5::integer[] WHERE workstation_id = $1 AND case_no = $2',
);

/**
 * Gives the completed training cases a hall of an earlier version stored without figures their
 * figures, from the purged record it kept (a few hundred at a time). Returns how many; run at
 * start, after the migrations: none to do costs one indexed read.
 */
export async function figureTrainingCases(db: Database, batch = 500): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await db.all(unfigured, [batch]);
    if (rows.length === 0) return done;
    await db.transaction(async (tx) => {
      for (const row of rows) {
        const { figures, latencies, maxLatency } = caseFigures(JSON.parse(row.record) as HallCompletedCase);
        await tx.run(setFigures, [row.workstation_id, row.case_no, JSON.stringify(figures), maxLatency, latencies]);
      }
    });
    done += rows.length;
  }
}
