// The doctor's report: one section per source compared, then a verdict line. Plain text, stable order.

import type { Difference } from './compare.js';

export interface Section {
  title: string;
  /** Lines that describe, not accuse (e.g. "not compared"). */
  notes: string[];
  /** What disagrees; any of these makes the exit code 1. */
  problems: string[];
}

export function differenceLines(diffs: readonly Difference[]): string[] {
  return diffs.map((d) => `${d.where}: ${d.what}`);
}

export function formatReport(sections: readonly Section[]): { text: string; ok: boolean } {
  const lines: string[] = [];
  for (const s of sections) {
    lines.push(`${s.title}: ${s.problems.length ? `${s.problems.length} problem${s.problems.length === 1 ? '' : 's'}` : 'ok'}`);
    for (const n of s.notes) lines.push(`  ${n}`);
    for (const p of s.problems) lines.push(`  ✗ ${p}`);
  }
  const count = sections.reduce((n, s) => n + s.problems.length, 0);
  lines.push(count ? `instant-codegen doctor: ${count} difference${count === 1 ? '' : 's'} found` : 'instant-codegen doctor: all agree');
  return { text: `${lines.join('\n')}\n`, ok: count === 0 };
}
