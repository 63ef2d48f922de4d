// `serve --watch`: re-applies instant.schema.ts and instant.perms.ts to the running server when either (or a
// module either imports) changes, as `instant-cli push` would. Each file is applied on its own: a broken one
// is reported and the last good version of it keeps serving, while a good change to the other still lands.

import { relative } from 'node:path';
import { SchemaError } from '../ir/SchemaError.js';
import { watchInputs } from '../util/watchInputs.js';
import type { RunningServer } from './server.js';

export interface WatchTarget {
  server: RunningServer;
  schemaFile: string;
  permsFile?: string;
  cwd: string;
  print: (line: string) => void;
}

interface Reload {
  inputs: string[];
  applied: string[];
  errors: unknown[];
}

/** Watches until `signal` aborts. `ready`: the files are watched (a save from then on is seen); `done`: watchers closed. */
export function watchServe(target: WatchTarget, signal: AbortSignal): { ready: Promise<void>; done: Promise<unknown> } {
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  let schemaInputs = [target.schemaFile];
  let permsInputs = target.permsFile ? [target.permsFile] : [];
  let first = true;

  const run = async (): Promise<Reload> => {
    const applied: string[] = [];
    const errors: unknown[] = [];
    try {
      const { loadSchema } = await import('../schema/loadSchema.js');
      const loaded = await loadSchema(target.schemaFile);
      schemaInputs = loaded.inputs;
      target.server.updateSchema(loaded.ir);
      applied.push(`schema (${loaded.ir.entities.length} entities)`);
    } catch (error) {
      errors.push(error);
    }
    if (target.permsFile) {
      try {
        const [{ loadPerms }, { ruleValidationIssues }] = await Promise.all([import('../schema/loadPerms.js'), import('./permissions/rules.js')]);
        const loaded = await loadPerms(target.permsFile, ruleValidationIssues);
        permsInputs = loaded.files;
        target.server.setRules(loaded.rules);
        applied.push('rules');
      } catch (error) {
        errors.push(error);
      }
    }
    return { inputs: [...schemaInputs, ...permsInputs], applied, errors };
  };

  const report = (result?: Reload, error?: unknown) => {
    // The first run re-applies what the server just started with: nothing to tell.
    const quiet = first;
    first = false;
    if (quiet) ready();
    for (const e of [...(result?.errors ?? []), ...(error ? [error] : [])]) target.print(describe(e, target.cwd));
    if (quiet || !result?.applied.length) return;
    target.print(`serve --watch: applied ${result.applied.join(' and ')} to ${target.server.url}`);
  };

  const roots = target.permsFile ? [target.schemaFile, target.permsFile] : [target.schemaFile];
  const done = watchInputs(run, roots, report, signal).finally(ready);
  return { ready: isReady, done };
}

function describe(error: unknown, cwd: string): string {
  const message = error instanceof SchemaError ? error.format(cwd) : error instanceof Error ? error.message : String(error);
  return `serve --watch: not applied, the last good version keeps serving:\n${message}`;
}
