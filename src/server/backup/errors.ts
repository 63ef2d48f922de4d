/** A backup that cannot be read or restored: names the zip entry (and line) at fault and what to do. */
export class BackupError extends Error {
  constructor(
    message: string,
    readonly entry?: string,
    readonly line?: number,
  ) {
    super(entry ? `${entry}${line ? `:${line}` : ''}: ${message}` : message);
    this.name = 'BackupError';
  }
}
