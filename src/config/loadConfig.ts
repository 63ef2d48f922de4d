import fs from 'node:fs';
import path from 'node:path';
import { SchemaError } from '../ir/SchemaError.js';
import { plainOptions, type Options } from './options.js';

const CONFIG_FILES = ['instant-codegen.config.ts', 'instant-codegen.config.js', 'instant-codegen.config.mjs', 'instant-codegen.config.json'];

export interface LoadedConfig {
  options: Options;
  /** Where the options came from; relative paths in them are relative to its folder. */
  file?: string;
}

/** The nearest config in `cwd`: a config file, else an "instant-codegen" key in package.json, else nothing. */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const file = explicit ? path.resolve(cwd, explicit) : CONFIG_FILES.map((f) => path.join(cwd, f)).find((f) => fs.existsSync(f));
  if (file) return { options: await parse(await readConfigFile(file), file, file), file };
  const pkgFile = path.join(cwd, 'package.json');
  if (fs.existsSync(pkgFile)) {
    const pkg = (readJson(pkgFile) ?? {}) as Record<string, unknown>;
    if (pkg['instant-codegen'] !== undefined) return { options: await parse(pkg['instant-codegen'], `${pkgFile} ("instant-codegen")`, pkgFile), file: pkgFile };
  }
  return { options: {} };
}

async function readConfigFile(file: string): Promise<unknown> {
  if (!fs.existsSync(file)) throw new SchemaError(`config file ${file} does not exist`, undefined, 'Fix the --config path.');
  if (fs.statSync(file).isDirectory()) throw new SchemaError(`config file ${file} is a folder`, undefined, 'Pass --config the path of a config file.');
  if (file.endsWith('.json')) return readJson(file);
  const { createJiti } = await import('jiti');
  try {
    return await createJiti(import.meta.url, { moduleCache: false, fsCache: false }).import(file, { default: true });
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    // The first stack frame in the config file, if there is one, is where it failed.
    const frame = (err.stack ?? '').split('\n').map((l) => /\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?\s*$/.exec(l.trim())).find((m) => m && m[1].replace(/^file:\/\//, '') === file);
    const location = frame ? { file, line: Number(frame[2]), column: Number(frame[3]) } : { file, line: 1, column: 1 };
    throw new SchemaError(`loading the config file failed: ${err.message.split('\n')[0]}`, location, 'Fix the error above; the config file is executed to read it.');
  }
}

/** JSON, or an error at the line and column where it stops being JSON. */
function readJson(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = Number(/at position (\d+)/.exec(message)?.[1] ?? NaN);
    const before = Number.isNaN(position) ? '' : text.slice(0, position);
    const line = before ? before.split('\n').length : 1;
    const column = before ? position - before.lastIndexOf('\n') : 1;
    throw new SchemaError(`${path.basename(file)} is not valid JSON: ${message.split('\n')[0]}`, { file, line, column }, 'Fix the JSON syntax.');
  }
}

async function parse(raw: unknown, where: string, file: string): Promise<Options> {
  const plain = plainOptions(raw);
  if (plain) return plain;
  const { OptionsSchema } = await import('./optionsSchema.js');
  const result = OptionsSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  // Where the first offending key is written (the file itself when it cannot be found).
  const first = result.error.issues[0];
  const key = first?.path.length ? String(first.path[0]) : first?.code === 'unrecognized_keys' ? first.keys[0] : undefined;
  throw new SchemaError(
    `invalid instant-codegen config in ${where}: ${issues.join('; ')}`,
    keyLocation(file, key),
    `Allowed keys: ${Object.keys(OptionsSchema.shape).join(', ')} (see instant-codegen generate --help).`,
  );
}

function keyLocation(file: string, key: string | undefined): { file: string; line: number; column: number } {
  const text = fs.readFileSync(file, 'utf8');
  const at = key === undefined ? -1 : [JSON.stringify(key), `'${key}'`, `${key}:`].map((k) => text.indexOf(k)).filter((i) => i >= 0).sort((a, b) => a - b)[0] ?? -1;
  if (at < 0) return { file, line: 1, column: 1 };
  const before = text.slice(0, at);
  return { file, line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

/** Config paths are relative to the config's folder; flags (already absolute) win over the config. */
export function mergeOptions(config: LoadedConfig, flags: Options): Options {
  const base = config.file ? path.dirname(config.file) : undefined;
  const fromConfig = { ...config.options };
  for (const key of ['schema', 'out'] as const) {
    if (fromConfig[key] && base) fromConfig[key] = path.resolve(base, fromConfig[key]!);
  }
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  return { ...fromConfig, ...defined };
}
