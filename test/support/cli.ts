import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './paths.js';

/** Runs the built CLI as a user would, in its own process. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'instant-codegen.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
  });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}
