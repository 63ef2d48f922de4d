import path from 'node:path';
import type { SourceLocation } from './types.js';

/** A problem in the user's input, reported as `file:line:col: message` plus how to fix it. */
export class SchemaError extends Error {
  constructor(
    message: string,
    readonly location?: SourceLocation,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'SchemaError';
  }

  format(cwd = process.cwd()): string {
    const where = this.location
      ? `${path.relative(cwd, this.location.file) || this.location.file}:${this.location.line}:${this.location.column}: `
      : '';
    return `${where}error: ${this.message}${this.fix ? `\n  fix: ${this.fix}` : ''}`;
  }
}
