import { linkTargetOf, type EntitySpec } from './entity.js';

/**
 * Turns the date attributes of query results into `Date` objects (`dates: 'date'`), following the
 * links each row carries; the server returns dates as stored (ms numbers or ISO strings).
 */
export function reviveDates(
  defs: Readonly<Record<string, EntitySpec>>,
  result: Record<string, unknown>,
): void {
  for (const [name, rows] of Object.entries(result)) {
    const def = Object.prototype.hasOwnProperty.call(defs, name) ? defs[name] : undefined;
    if (def) reviveRows(defs, def, rows);
  }
}

function reviveRows(defs: Readonly<Record<string, EntitySpec>>, def: EntitySpec, rows: unknown): void {
  for (const row of Array.isArray(rows) ? rows : [rows]) {
    if (!row || typeof row !== 'object') continue;
    const record = row as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      const spec = Object.prototype.hasOwnProperty.call(def.attrs, key) ? def.attrs[key] : undefined;
      if (spec?.startsWith('date') && (typeof value === 'number' || typeof value === 'string'))
        record[key] = new Date(value);
      const link = spec === undefined ? linkTargetOf(def, key) : undefined;
      const target = link && defs[link.target];
      if (target) reviveRows(defs, target, value);
    }
  }
}
