import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { plainOptions } from '../src/config/options.js';
import { OptionsSchema } from '../src/config/optionsSchema.js';
import { quickGenerateArgs } from '../src/cli/quickArgs.js';

// yargs' handler replaced by one that records what it was given: main() as the binary runs it otherwise.
const received: Record<string, unknown>[] = [];
vi.mock('../src/cli/runGenerate.js', () => ({ runGenerate: async (args: Record<string, unknown>) => (received.push(args), 0) }));
const { main } = await import('../src/cli/main.js');

const KEYS = ['schema', 'out', 'check', 'watch', 'config', 'validation', 'output', 'dates', 'prettier', 'log-level', 'silent'] as const;

/** What yargs hands the generate command for `argv`, or undefined when it rejects it (exit code 2). */
async function viaYargs(argv: string[]): Promise<Record<string, unknown> | undefined> {
  received.length = 0;
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
  const code = await main(argv);
  quiet.mockRestore();
  if (code !== 0 || received.length !== 1) return undefined;
  return Object.fromEntries(KEYS.filter((k) => received[0][k] !== undefined).map((k) => [k, received[0][k]]));
}

describe('the quick parser of plain `generate` invocations', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads the usual invocations exactly as yargs does', async () => {
    const cases = [
      ['generate'],
      ['generate', '--schema', 'src/instant.schema.ts', '--out', 'src/db'],
      ['generate', '--schema=a.ts', '--out=b'],
      ['generate', '--check', '--silent'],
      ['generate', '--watch', '--no-validation', '--output', 'ts', '--dates', 'date', '--prettier', 'project'],
      ['generate', '--config', 'cfg.json', '--log-level', 'debug', '--validation'],
    ];
    for (const argv of cases) {
      const quick = quickGenerateArgs(argv);
      expect(quick, argv.join(' ')).toBeDefined();
      expect(quick, argv.join(' ')).toEqual(await viaYargs(argv));
    }
  });

  it('leaves everything else to yargs: help, other commands, unknown, repeated, conflicting or odd flags', () => {
    const cases = [
      [], ['--help'], ['generate', '--help'], ['generate', '-h'], ['serve'], ['init'], ['generate', 'extra'], ['generate', '--version'],
      ['generate', '--outt', 'x'], ['generate', '--schema'], ['generate', '--schema', '--out', 'x'], ['generate', '--schema='],
      ['generate', '--out', 'a', '--out', 'b'], ['generate', '--check', '--watch'], ['generate', '--check', 'false'],
      ['generate', '--check=true'], ['generate', '--output', 'js'], ['generate', '--no-schema'], ['generate', '--logLevel', 'info'],
      ['generate', '--', '--check'], ['generate', '--validation', '--no-validation'],
    ];
    for (const argv of cases) expect(quickGenerateArgs(argv), argv.join(' ')).toBeUndefined();
  });

  it('never disagrees with yargs (random argument lists)', async () => {
    const token = fc.constantFrom(
      ...['--schema', '--out', '--config', '--check', '--watch', '--validation', '--no-validation', '--silent', '--no-silent'],
      ...['--output', '--dates', '--prettier', '--log-level', '--schema=x.ts', '--out=', '--output=ts', '--check=false'],
      ...['ts', 'dts', 'date', 'stored', 'fixed', 'project', 'debug', 'warn', 'x', 'true', 'false', '-x', '--', '--help', 'generate'],
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 6 }), async (rest) => {
        const argv = ['generate', ...rest];
        const quick = quickGenerateArgs(argv);
        if (quick) expect(quick).toEqual(await viaYargs(argv));
      }),
      { numRuns: 300 },
    );
  });
});

describe('plainOptions (config checked without loading zod)', () => {
  it('accepts only what OptionsSchema accepts, and gives the same options', () => {
    const value = fc.oneof(fc.string({ maxLength: 3 }), fc.boolean(), fc.constantFrom('ts', 'dts', 'stored', 'date', 'fixed', 'project', '', undefined, null, 1, ['ts']));
    const key = fc.constantFrom('schema', 'out', 'validation', 'output', 'dates', 'prettier', 'outt', 'toString', '__proto__');
    const raw = fc.oneof(fc.dictionary(key, value, { maxKeys: 4 }), fc.constantFrom(null, [], 'x', 1, Object.create(null), new Date(0)));
    fc.assert(
      fc.property(raw, (input) => {
        const plain = plainOptions(input);
        const zod = OptionsSchema.safeParse(input);
        if (plain) expect(zod.success && zod.data).toEqual(plain);
        // and everything valid that a config file can hold (JSON: plain objects) is taken the quick way
        if (zod.success && Object.getPrototypeOf(input) === Object.prototype) expect(plain).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });
});
