import { GENERATE_FLAGS, LOG_FLAGS } from './generateFlags.js';
import type { GenerateArgs } from './runGenerate.js';

const FLAGS: Record<string, { type?: 'string' | 'boolean'; choices?: readonly string[] }> = { ...LOG_FLAGS, ...GENERATE_FLAGS };

/**
 * The arguments of a plain `generate` invocation (`generate --schema s --out o --check`, ...), parsed as yargs
 * would; undefined for anything else (help, other commands, unknown or repeated flags, odd forms), which yargs
 * then handles. Loading yargs costs more than a run with nothing to do, and `generate` runs before every build.
 */
export function quickGenerateArgs(argv: readonly string[]): GenerateArgs | undefined {
  if (argv[0] !== 'generate') return undefined;
  const args: Record<string, string | boolean> = { 'log-level': LOG_FLAGS['log-level'].default };
  const seen = new Set<string>();
  for (let k = 1; k < argv.length; k++) {
    const match = /^--(no-)?([a-z][a-z-]*)(?:=(.*))?$/s.exec(argv[k]);
    if (!match) return undefined;
    const [, negated, name, inline] = match;
    const flag = Object.hasOwn(FLAGS, name) ? FLAGS[name] : undefined;
    if (!flag || seen.has(name)) return undefined;
    seen.add(name);
    if (flag.type === 'boolean') {
      // `--check=false` and `--check false` are yargs' business.
      if (inline !== undefined || /^(true|false)$/.test(argv[k + 1] ?? '')) return undefined;
      args[name] = !negated;
      continue;
    }
    const value = inline ?? argv[++k];
    if (negated || !value || value.startsWith('-')) return undefined;
    if (flag.choices && !flag.choices.includes(value)) return undefined;
    args[name] = value;
  }
  if (args.check && args.watch) return undefined; // conflicting: yargs says so
  return args as GenerateArgs;
}
