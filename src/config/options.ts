import type { z } from 'zod';
import type { OptionsSchema } from './optionsSchema.js';

/** Everything that shapes the output; validated the same way from a config file, package.json or flags. */
export type Options = z.infer<typeof OptionsSchema>;

/** The values each option takes (OptionsSchema says the same; test/config.test.ts checks that they agree). */
const OPTION_VALUES: Record<keyof Options, 'path' | 'boolean' | readonly string[]> = {
  schema: 'path',
  out: 'path',
  validation: 'boolean',
  output: ['ts', 'dts'],
  dates: ['stored', 'date'],
  prettier: ['fixed', 'project'],
  testing: 'boolean',
};

/**
 * The options when `raw` is a plain object holding only valid ones; undefined for anything else, which
 * OptionsSchema then accepts or explains. Plain code, because loading zod takes longer than a whole no-op run.
 */
export function plainOptions(raw: unknown): Options | undefined {
  if (typeof raw !== 'object' || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) return undefined;
  if (Reflect.ownKeys(raw).length !== Object.keys(raw).length) return undefined; // symbols, hidden keys: zod decides
  const valid = Object.entries(raw).every(([key, value]) => {
    const kind = Object.hasOwn(OPTION_VALUES, key) ? OPTION_VALUES[key as keyof Options] : undefined;
    if (kind === undefined) return false;
    if (value === undefined) return true;
    if (kind === 'path') return typeof value === 'string' && value.length > 0;
    if (kind === 'boolean') return typeof value === 'boolean';
    return kind.includes(value as string);
  });
  return valid ? { ...(raw as Options) } : undefined;
}

/** Options after defaults: what the emitters and the input hash see. */
export interface EmitSettings {
  validation: boolean;
  output: 'ts' | 'dts';
  dates: 'stored' | 'date';
  prettier: 'fixed' | 'project';
  /** Emit `testing` (the test kit's entry, which imports `instant-codegen/testing`). */
  testing: boolean;
}

export function settingsOf(options: Options): EmitSettings {
  return {
    validation: options.validation ?? true,
    output: options.output ?? 'dts',
    dates: options.dates ?? 'stored',
    prettier: options.prettier ?? 'fixed',
    testing: options.testing ?? false,
  };
}
