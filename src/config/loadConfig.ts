import fs from 'node:fs';
import path from 'node:path';
import { SchemaError } from '../schema/SchemaError.js';
import { OptionsSchema, type Options } from './options.js';

const CONFIG_FILES = ['instant-codegen.config.ts', 'instant-codegen.config.js', 'instant-codegen.config.mjs', 'instant-codegen.config.json'];

export interface LoadedConfig {
  options: Options;
  /** Where the options came from; relative paths in them are relative to its folder. */
  file?: string;
}

/** The nearest config in `cwd`: a config file, else an "instant-codegen" key in package.json, else nothing. */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const file = explicit ? path.resolve(cwd, explicit) : CONFIG_FILES.map((f) => path.join(cwd, f)).find((f) => fs.existsSync(f));
  if (file) return { options: parse(await readConfigFile(file), file), file };
  const pkgFile = path.join(cwd, 'package.json');
  if (fs.existsSync(pkgFile)) {
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    if (pkg['instant-codegen'] !== undefined) return { options: parse(pkg['instant-codegen'], `${pkgFile} ("instant-codegen")`), file: pkgFile };
  }
  return { options: {} };
}

async function readConfigFile(file: string): Promise<unknown> {
  if (!fs.existsSync(file)) throw new SchemaError(`config file ${file} does not exist`, undefined, 'Fix the --config path.');
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new SchemaError(`${file} is not valid JSON: ${(error as Error).message}`, { file, line: 1, column: 1 }, 'Fix the JSON syntax.');
    }
  }
  const { createJiti } = await import('jiti');
  return createJiti(import.meta.url, { moduleCache: false, fsCache: false }).import(file, { default: true });
}

function parse(raw: unknown, where: string): Options {
  const result = OptionsSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new SchemaError(
    `invalid instant-codegen config in ${where}: ${issues.join('; ')}`,
    undefined,
    `Allowed keys: ${Object.keys(OptionsSchema.shape).join(', ')} (see instant-codegen generate --help).`,
  );
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
