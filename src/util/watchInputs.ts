import fs from 'node:fs';
import path from 'node:path';

const DEBOUNCE_MS = 100;

/**
 * Runs `run`, then again whenever one of its inputs changes (debounced). Folders are watched rather than
 * files, so editors that save by rename are seen too. A failing run keeps the previous inputs watched,
 * so fixing the file recovers. Used by `generate --watch` and `serve --watch`. Resolves (with 0) when `signal` aborts or on SIGINT.
 */
export async function watchInputs<R extends { inputs: string[] }>(
  run: () => Promise<R>,
  schemaFile: string | readonly string[],
  report: (result?: R, error?: unknown) => void,
  signal?: AbortSignal,
): Promise<number> {
  // The roots are always watched: an input list from a failed run may be empty.
  const roots = (typeof schemaFile === 'string' ? [schemaFile] : schemaFile).map((f) => path.resolve(f));
  let inputs = new Set(roots);
  const watchers = new Map<string, fs.FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();

  /** Watches the folders of the current inputs; folders already watched keep their watcher, so no event is lost. */
  const rewatch = () => {
    const dirs = new Set([...inputs].map((f) => path.dirname(f)));
    for (const [dir, watcher] of watchers) {
      if (dirs.has(dir)) continue;
      watcher.close();
      watchers.delete(dir);
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      watchers.set(dir, fs.watch(dir, (_event, name) => name && inputs.has(path.join(dir, name.toString())) && schedule()));
    }
  };
  const once = async () => {
    let result: R | undefined;
    let failure: unknown;
    try {
      result = await run();
      inputs = new Set([...result.inputs, ...roots]);
    } catch (error) {
      failure = error;
    }
    // Watch before reporting: whoever reacts to the report (a person, a test) may save right away.
    rewatch();
    report(result, failure);
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
  for (const w of watchers.values()) w.close();
  return 0;
}
