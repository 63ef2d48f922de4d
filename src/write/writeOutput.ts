import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GENERATED_MARKER } from '../emit/header.js';
import { SchemaError } from '../ir/SchemaError.js';
import { MANIFEST_FILE } from './manifest.js';

export interface WriteResult {
  written: string[];
  unchanged: string[];
  removed: string[];
}

/** Files under `dir`, relative, with forward slashes. */
function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Ours if it carries the generated marker (JSON files cannot, so those are ours by name). */
function isGenerated(file: string, content: string): boolean {
  return content.includes(GENERATED_MARKER) || file === 'schema.json' || file === 'manifest.json';
}

function assertUsableOutDir(outDir: string): void {
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw new SchemaError(`the output path ${outDir} is a file, not a folder`, undefined, 'Pass --out with a folder path (it is created if missing).');
  }
  let ancestor = path.dirname(outDir);
  while (!fs.existsSync(ancestor) && path.dirname(ancestor) !== ancestor) ancestor = path.dirname(ancestor);
  if (!fs.statSync(ancestor).isDirectory()) {
    throw new SchemaError(`the output path ${outDir} is inside ${ancestor}, which is a file`, undefined, 'Pass --out with a folder path (it is created if missing).');
  }
  // The folder is replaced as a whole (and generated-looking files in it removed): only ever one of ours.
  // Dotfiles (`.gitkeep`, `.DS_Store`) do not make a folder someone else's; they are kept like any file of yours.
  const entries = fs.existsSync(outDir) ? fs.readdirSync(outDir).filter((f) => !f.startsWith('.')) : [];
  const read = (name: string) => {
    const file = path.join(outDir, name);
    return fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8') : '';
  };
  const ourManifest = () => {
    try {
      return (JSON.parse(read(MANIFEST_FILE)) as { tool?: unknown }).tool === 'instant-codegen';
    } catch {
      return false;
    }
  };
  if (entries.length > 0 && !ourManifest() && !['index.ts', 'index.d.ts', 'index.js'].some((f) => read(f).includes(GENERATED_MARKER))) {
    throw new SchemaError(
      `the output folder ${outDir} already holds files that instant-codegen did not write (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`,
      undefined,
      'Pass --out with a new or empty folder (or one generated before): the output folder is replaced as a whole.',
    );
  }
}

/** Compares the wanted files with the output folder: what would be written, kept and removed. */
export function planOutput(outDir: string, files: Map<string, string>): WriteResult & { existing: Map<string, string> } {
  assertUsableOutDir(outDir);
  const existing = new Map(listFiles(outDir).map((f) => [f, fs.readFileSync(path.join(outDir, f), 'utf8')]));
  const written = [...files.keys()].filter((f) => existing.get(f) !== files.get(f));
  const unchanged = [...files.keys()].filter((f) => existing.get(f) === files.get(f));
  const removed = [...existing].filter(([f, content]) => !files.has(f) && isGenerated(f, content)).map(([f]) => f);
  return { written, unchanged, removed, existing };
}

/**
 * Writes the output folder all at once: the new tree is staged beside it (unchanged and user-owned files
 * hard-linked, so their timestamps stay), then swapped in by rename. A failure leaves the old folder as it was.
 */
export function writeOutput(outDir: string, files: Map<string, string>): WriteResult {
  try {
    return writeOutputOrThrow(outDir, files);
  } catch (error) {
    throw fileSystemError(error, outDir, 'write');
  }
}

/** What a failed file operation means for the user: a SchemaError naming the folder, the cause and the fix. */
function fileSystemError(error: unknown, outDir: string, action: 'write' | 'read'): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof SchemaError || typeof code !== 'string') return error;
  const causes: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    ENOTDIR: 'a part of the path is a file',
    EISDIR: 'a folder is in the way of a file',
    ENAMETOOLONG: 'a file name is too long',
    EMFILE: 'too many open files',
  };
  const where = (error as NodeJS.ErrnoException).path;
  return new SchemaError(
    `cannot ${action} the output folder ${outDir}: ${causes[code] ?? (error as Error).message} (${code}${where ? ` on ${where}` : ''})`,
    undefined,
    `${action === 'write' ? 'Make the folder and the one it is in writable' : 'Make the folder readable'}, or pass --out with another folder. The previous output is as it was.`,
  );
}

function writeOutputOrThrow(outDir: string, files: Map<string, string>): WriteResult {
  recoverInterruptedSwap(outDir);
  const plan = planOutput(outDir, files);
  if (plan.written.length === 0 && plan.removed.length === 0) return plan;
  const parent = path.dirname(outDir);
  fs.mkdirSync(parent, { recursive: true });
  // Not mkdtemp: its 0700 would become the output folder's mode (unreadable to other users); mkdir honours the umask.
  const staged = path.join(parent, `.${path.basename(outDir)}.staged-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.mkdirSync(staged);
  try {
    for (const [file, content] of files) {
      const target = path.join(staged, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (plan.written.includes(file)) fs.writeFileSync(target, content);
      else linkOrCopy(path.join(outDir, file), target);
    }
    for (const [file, content] of plan.existing) {
      if (files.has(file) || isGenerated(file, content)) continue;
      const target = path.join(staged, file); // user-owned: carried over untouched
      fs.mkdirSync(path.dirname(target), { recursive: true });
      linkOrCopy(path.join(outDir, file), target);
    }
    swap(outDir, staged);
  } catch (error) {
    fs.rmSync(staged, { recursive: true, force: true });
    throw error;
  }
  return plan;
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
    const { atime, mtime } = fs.statSync(from);
    fs.utimesSync(to, atime, mtime);
  }
}

const backupOf = (outDir: string) => path.join(path.dirname(outDir), `.${path.basename(outDir)}.previous`);

function swap(outDir: string, staged: string): void {
  const backup = backupOf(outDir);
  fs.rmSync(backup, { recursive: true, force: true });
  if (fs.existsSync(outDir)) fs.renameSync(outDir, backup);
  fs.renameSync(staged, outDir);
  fs.rmSync(backup, { recursive: true, force: true });
}

/** A run killed between the two renames of `swap` leaves only the backup: put it back. */
function recoverInterruptedSwap(outDir: string): void {
  const backup = backupOf(outDir);
  if (!fs.existsSync(backup)) return;
  if (fs.existsSync(outDir)) fs.rmSync(backup, { recursive: true, force: true });
  else fs.renameSync(backup, outDir);
}

/** A unified diff of every stale, missing or extra file, for `--check` (the diff library loaded only then). */
export async function outputDiff(outDir: string, files: Map<string, string>): Promise<{ stale: boolean; diff: string }> {
  let plan: ReturnType<typeof planOutput>;
  try {
    plan = planOutput(outDir, files);
  } catch (error) {
    throw fileSystemError(error, outDir, 'read');
  }
  const { createTwoFilesPatch } = await import('diff');
  const patches = [
    ...plan.written.map((f) => createTwoFilesPatch(`a/${f}`, `b/${f}`, plan.existing.get(f) ?? '', files.get(f)!, '', '', { context: 2 })),
    ...plan.removed.map((f) => createTwoFilesPatch(`a/${f}`, `b/${f}`, plan.existing.get(f)!, '', '', '', { context: 0 })),
  ];
  return { stale: patches.length > 0, diff: patches.join('') };
}
