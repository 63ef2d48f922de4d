import path from 'node:path';
import type { SourceLocation } from './types.js';

/** A problem in the user's input, reported as `file:line:col: message` plus how to fix it. */
export class SchemaError extends Error {
  /** Further problems found in the same run, in source order (see `SchemaError.all`). */
  readonly others: SchemaError[] = [];

  constructor(
    message: string,
    readonly location?: SourceLocation,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'SchemaError';
  }

  /**
   * Every problem found, as one error: the first in source order, the others after it. Reporting them all
   * at once spares a run per problem. `files` orders the files (the schema first, then its imports).
   */
  static all(problems: SchemaError[], files: string[] = []): SchemaError | undefined {
    const rank = (e: SchemaError) => {
      const file = e.location ? files.indexOf(e.location.file) : -1;
      return [e.location ? 0 : 1, file === -1 ? files.length : file, e.location?.line ?? 0, e.location?.column ?? 0];
    };
    const sorted = problems
      .map((e, n) => ({ e, n, key: rank(e) }))
      .sort((a, b) => a.key.reduce((d, k, i) => d || k - b.key[i], 0) || a.n - b.n)
      .map((x) => x.e);
    const [first, ...rest] = sorted;
    first?.others.push(...rest);
    return first;
  }

  format(cwd = process.cwd(), severity: 'error' | 'warning' = 'error'): string {
    const where = this.location
      ? `${path.relative(cwd, this.location.file) || this.location.file}:${this.location.line}:${this.location.column}: `
      : '';
    const own = `${where}${severity}: ${this.message}${this.fix ? `\n  fix: ${this.fix}` : ''}`;
    return [own, ...this.others.map((e) => e.format(cwd, severity))].join('\n');
  }
}
