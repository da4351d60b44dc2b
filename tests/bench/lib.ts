/**
 * The benchmark harness: every figure is printed in a table and merged into
 * `bench-results.json` as {"<name>": {value, unit, target, better}} (DEVELOPERS.md).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface BenchFigure {
  /** Name the issue gives, e.g. `verify_licence_ms`. */
  name: string;
  value: number;
  unit: string;
  /** The target, or null for a figure printed only for comparison (a baseline). */
  target: number | null;
  better: 'lower' | 'higher';
}

const RESULTS_FILE = resolve(process.cwd(), 'bench-results.json');

/** Whether a figure meets its target (a figure without a target always does). */
export function meetsTarget(figure: BenchFigure): boolean {
  if (figure.target === null) return true;
  return figure.better === 'lower' ? figure.value <= figure.target : figure.value >= figure.target;
}

/** Prints the figures as a table and merges the ones with a target into bench-results.json. */
export function reportFigures(title: string, figures: BenchFigure[]): void {
  console.log(`\n## ${title}`);
  console.table(
    figures.map((f) => ({
      name: f.name,
      value: Number(f.value.toFixed(3)),
      unit: f.unit,
      target: f.target === null ? '' : `${f.better === 'lower' ? '≤' : '≥'} ${f.target}`,
      ok: f.target === null ? '' : meetsTarget(f) ? 'yes' : 'NO',
    })),
  );
  const existing: Record<string, unknown> = existsSync(RESULTS_FILE) ? JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) : {};
  for (const f of figures) {
    existing[f.name] = { value: Number(f.value.toFixed(4)), unit: f.unit, target: f.target, better: f.better };
  }
  writeFileSync(RESULTS_FILE, `${JSON.stringify(existing, null, 2)}\n`);
}

/** The q-quantile (0..1) of samples, by nearest rank. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** The median of samples. */
export function median(samples: number[]): number {
  return quantile(samples, 0.5);
}
