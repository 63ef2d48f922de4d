// Running `tsc -p <tsconfig> --extendedDiagnostics` and reading its figures (typescript 5.9 and 7 print the same lines).
import * as c from './common.mjs';

/** Key figures from --extendedDiagnostics ("Name: value" lines), plus errors by code. */
export function parseDiagnostics(output) {
  const field = (name) => {
    const m = new RegExp(`^${name}:\\s+([\\d.]+)(K?)`, 'm').exec(output);
    return m ? Number(m[1]) * (m[2] === 'K' ? 1 / 1024 : 1) : undefined;
  };
  const errors = {};
  for (const m of output.matchAll(/error (TS\d+)/g)) errors[m[1]] = (errors[m[1]] ?? 0) + 1;
  const first = /error TS\d+: .*/.exec(output)?.[0];
  return {
    instantiations: field('Instantiations'),
    types: field('Types'),
    checkSeconds: field('Check time'),
    totalSeconds: field('Total time'),
    memoryMB: c.round(field('Memory used')),
    ...(Object.keys(errors).length ? { errors, firstError: first } : {}),
  };
}

/** One run of `compiler` (a tsc entry point) on `tsconfig`, with its wall time. */
export function tscDiagnostics(compiler, tsconfig) {
  const r = c.run(process.execPath, [compiler, '-p', tsconfig, '--extendedDiagnostics'], { timeout: 600_000 });
  if (r.signal || r.error) throw new Error(`tsc ${tsconfig}: ${r.signal ?? r.error}`);
  return { ...parseDiagnostics(r.stdout + r.stderr), wallSeconds: c.round(r.ms / 1000) };
}
