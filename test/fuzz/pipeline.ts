// The generator run on fuzz cases as `generate` runs it (emitClient → formatFiles → writeOutput), and
// batched type checks: one tsc program over many schema folders.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { settingsOf, type EmitSettings } from '../../src/config/options.js';
import { emitClient } from '../../src/emit/emitClient.js';
import { EmittedFiles } from '../../src/emit/moduleParts.js';
import type { SchemaIR } from '../../src/ir/types.js';
import { TOOL_VERSION } from '../../src/util/version.js';
import { formatFiles, normalizeTypeTexts } from '../../src/write/format.js';
import { writeOutput } from '../../src/write/writeOutput.js';
import { ROOT, TSC } from '../support/paths.js';
import { STRICT_OPTIONS } from '../support/typecheck.js';
import { opsArb, usageSource, type FuzzCase } from './ops.js';
import { schemaArb, specToIR, TYPE_ARGS, type SchemaArbOptions } from './schemaArb.js';

export const PLACEHOLDER_SCHEMA = '/fuzz/instant.schema.ts';

const settingsArb: fc.Arbitrary<EmitSettings> = fc
  .record({ output: fc.constantFrom<'ts' | 'dts'>('ts', 'ts', 'dts'), dates: fc.constantFrom<'stored' | 'date'>('stored', 'date'), validation: fc.boolean(), testing: fc.boolean() })
  .map((o) => settingsOf(o));

/** A random valid schema, the IR the generator sees, random operations on it, and random generator settings. */
export function caseArb(options?: SchemaArbOptions): fc.Arbitrary<FuzzCase> {
  return schemaArb(options).chain((spec) => {
    const ir = specToIR(spec, PLACEHOLDER_SCHEMA);
    return fc.tuple(opsArb(spec, ir, TYPE_ARGS), settingsArb).map(([ops, settings]) => ({ spec, ir, ops, settings }));
  });
}

/** The IR with the schema file placed in `dir`, as if the schema sat beside `dir/instant.gen`. */
export function placed(ir: SchemaIR, dir: string): SchemaIR {
  return { ...ir, schemaFile: path.join(dir, 'instant.schema.ts') };
}

/**
 * `formatFiles`, except that a runtime file that prettier formats (the compiled runtime of `--output dts`:
 * the same in every client, below a per-schema header) is formatted once per body.
 */
const formattedRuntime = new Map<string, string>();
export async function formatWithRuntimeCache(files: EmittedFiles, settings: EmitSettings): Promise<Map<string, string>> {
  const HEADER_LINES = 4;
  const split = (text: string) => {
    const at = text.split('\n', HEADER_LINES).join('\n').length + 1;
    return [text.slice(0, at), text.slice(at)] as const;
  };
  const todo = new EmittedFiles();
  for (const [file, text] of files) {
    if (files.final.has(file) || !(file.startsWith('runtime/') && formattedRuntime.has(`${file}\0${split(text)[1]}`))) todo.set(file, text);
    if (files.final.has(file)) todo.final.add(file);
  }
  const formatted = await formatFiles(todo, settings);
  const out = new Map<string, string>();
  for (const [file, text] of files) {
    const [header, body] = split(text);
    const key = `${file}\0${body}`;
    if (formatted.has(file)) {
      out.set(file, formatted.get(file)!);
      if (file.startsWith('runtime/') && !files.final.has(file)) {
        const [fHeader, fBody] = split(formatted.get(file)!);
        if (fHeader === header) formattedRuntime.set(key, fBody);
      }
    } else out.set(file, header + formattedRuntime.get(key)!);
  }
  return out;
}

/** Generates the case's client into `dir/instant.gen` and writes `dir/usage.ts`; returns the files as formatted. */
export async function generateCase(c: FuzzCase, dir: string, options: { format?: boolean; usage?: boolean } = {}): Promise<Map<string, string>> {
  const outDir = path.join(dir, 'instant.gen');
  // As `generate` does: type texts normalized, emitted (mostly laid out already), the rest formatted.
  const emitted = emitClient(await normalizeTypeTexts(placed(c.ir, dir)), { outDir, toolVersion: TOOL_VERSION, settings: c.settings });
  const files = options.format === false ? emitted : await formatWithRuntimeCache(emitted, c.settings);
  writeOutput(outDir, files);
  if (options.usage !== false) fs.writeFileSync(path.join(dir, 'usage.ts'), usageSource(c, c.settings.dates));
  fs.writeFileSync(path.join(dir, 'case.json'), JSON.stringify({ spec: c.spec, settings: c.settings }, null, 1));
  return files;
}

export interface TscResult {
  code: number;
  /** Diagnostics by case folder (relative to the batch root). */
  errors: Map<string, string[]>;
  output: string;
  ms: number;
}

/** Runs typescript 5.9's `tsc --strict` over many case folders at once (each folder's `usage.ts` and `instant.gen/index.ts`). */
export function typecheckFolders(root: string, name: string, folders: string[]): Promise<TscResult> {
  const config = {
    compilerOptions: { ...STRICT_OPTIONS, noUnusedLocals: false },
    files: folders.flatMap((f) => {
      const index = fs.existsSync(path.join(root, f, 'instant.gen', 'index.ts')) ? 'index.ts' : 'index.d.ts';
      return [`./${f}/instant.gen/${index}`, ...(fs.existsSync(path.join(root, f, 'usage.ts')) ? [`./${f}/usage.ts`] : [])];
    }),
  };
  const tsconfig = path.join(root, `tsconfig.${name}.json`);
  fs.writeFileSync(tsconfig, JSON.stringify(config, null, 1));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSC, '-p', tsconfig, '--pretty', 'false'], { cwd: ROOT });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // `file(line,col): error ...` lines name the case folder; indented lines continue the previous one.
      const errors = new Map<string, string[]>();
      let folder = '(tsc)';
      for (const line of output.split('\n')) {
        if (!line.trim()) continue;
        const file = /^(\S[^(]*)\(\d+,\d+\): /.exec(line)?.[1];
        if (file) folder = path.relative(root, path.resolve(ROOT, file)).split(path.sep)[0];
        if (!errors.has(folder)) errors.set(folder, []);
        errors.get(folder)!.push(line);
      }
      resolve({ code: code ?? 1, errors, output, ms: performance.now() - started });
    });
  });
}

/** Runs `tasks` with at most `limit` at a time. */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const k = next++;
      results[k] = await tasks[k]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
