import fs from 'node:fs';
import path from 'node:path';
import type { GenerateResult } from '../generate.js';

const DEBOUNCE_MS = 100;

/**
 * Runs `run`, then again whenever one of its inputs changes (debounced). Folders are watched rather than
 * files, so editors that save by rename are seen too. A failing run keeps the previous inputs watched,
 * so fixing the file recovers. Resolves (with 0) when `signal` aborts or on SIGINT.
 */
export async function watchAndGenerate(
  run: () => Promise<GenerateResult>,
  schemaFile: string,
  report: (result?: GenerateResult, error?: unknown) => void,
  signal?: AbortSignal,
): Promise<number> {
  let inputs = new Set([path.resolve(schemaFile)]);
  let watchers: fs.FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();

  const rewatch = () => {
    for (const w of watchers) w.close();
    const dirs = new Set([...inputs].map((f) => path.dirname(f)));
    watchers = [...dirs].map((dir) =>
      fs.watch(dir, (_event, name) => {
        if (name && inputs.has(path.join(dir, name.toString()))) schedule();
      }),
    );
  };
  const once = async () => {
    try {
      const result = await run();
      inputs = new Set([...result.inputs, path.resolve(schemaFile)]);
      report(result);
    } catch (error) {
      report(undefined, error);
    }
    rewatch();
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => (running = running.then(once)), DEBOUNCE_MS);
  };

  await once();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    signal?.addEventListener('abort', stop);
    process.once('SIGINT', stop);
  });
  clearTimeout(timer);
  await running;
  for (const w of watchers) w.close();
  return 0;
}
