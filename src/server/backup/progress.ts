// Progress of an import or export: one line rewritten in place on a terminal, nothing otherwise.

export interface BackupProgress {
  phase: 'entities' | 'files' | 'swap' | 'done';
  /** The zip entry being read or written. */
  entry?: string;
  entities: number;
  /** Total entities per config.json's counts, when known. */
  entitiesTotal?: number;
  files: number;
  filesTotal?: number;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ((p: BackupProgress) => void) | undefined {
  if (!stream.isTTY) return undefined;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.phase !== 'done' && now - last < 100) return;
    last = now;
    const of = (n: number, total?: number) => (total === undefined ? `${n}` : `${n}/${total}`);
    const text = `${p.phase}: ${of(p.entities, p.entitiesTotal)} entities, ${of(p.files, p.filesTotal)} files${p.entry ? ` (${p.entry})` : ''}`;
    stream.write(`\r\x1b[2K${text}${p.phase === 'done' ? '\n' : ''}`);
  };
}
