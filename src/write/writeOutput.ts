import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { GENERATED_MARKER } from '../emit/header.js';
import { SchemaError } from '../schema/SchemaError.js';

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

/** Ours if it carries the generated header (JSON files cannot, so `schema.json` is ours by name). */
function isGenerated(file: string, content: string): boolean {
  return content.includes(GENERATED_MARKER) || file === 'schema.json';
}

function assertUsableOutDir(outDir: string): void {
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw new SchemaError(`the output path ${outDir} is a file, not a folder`, undefined, 'Pass --out with a folder path (it is created if missing).');
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
  recoverInterruptedSwap(outDir);
  const plan = planOutput(outDir, files);
  if (plan.written.length === 0 && plan.removed.length === 0) return plan;
  const parent = path.dirname(outDir);
  fs.mkdirSync(parent, { recursive: true });
  const staged = fs.mkdtempSync(path.join(parent, `.${path.basename(outDir)}.staged-`));
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

/** A unified diff of every stale, missing or extra file, for `--check`. */
export function outputDiff(outDir: string, files: Map<string, string>): { stale: boolean; diff: string } {
  const plan = planOutput(outDir, files);
  const patches = [
    ...plan.written.map((f) => createTwoFilesPatch(`a/${f}`, `b/${f}`, plan.existing.get(f) ?? '', files.get(f)!, '', '', { context: 2 })),
    ...plan.removed.map((f) => createTwoFilesPatch(`a/${f}`, `b/${f}`, plan.existing.get(f)!, '', '', '', { context: 0 })),
  ];
  return { stale: patches.length > 0, diff: patches.join('') };
}
