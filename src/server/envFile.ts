// `serve --write-env`: the three settings a client needs, written where `createClient()` and the SDK read them.
// Other lines of the file are the user's own and are kept; the file is replaced atomically (temp + rename)
// so a client starting at the same moment never reads half a file, and it is mode 0600: it holds a secret.

import { accessSync, constants, existsSync, readFileSync, renameSync, statSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface ConnectionEnv {
  INSTANT_APP_ID: string;
  INSTANT_APP_ADMIN_TOKEN: string;
  INSTANT_API_URI: string;
}

/** Why `file` cannot be written, as a sentence naming it and the fix; undefined when it can. */
export function envFileProblem(file: string): string | undefined {
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) return `--write-env ${file} is a directory. Pass a file path, e.g. --write-env .env.local.`;
  }
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return `--write-env ${file}: its folder ${dir} does not exist. Create it, or pass a path in an existing folder.`;
  try {
    // The rename needs the folder writable; the file itself is replaced, not written to.
    accessSync(dir, constants.W_OK);
  } catch {
    return `--write-env ${file} cannot be written: no write permission on ${dir}. Pass a path you can write, e.g. --write-env .env.local.`;
  }
  return undefined;
}

/** Sets the three variables in `file`, keeping every other line and the variables' positions. */
export function writeEnvFile(file: string, env: ConnectionEnv): void {
  const problem = envFileProblem(file);
  if (problem) throw new Error(problem);
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, updateEnvText(text, env), { mode: 0o600 });
    chmodSync(temp, 0o600); // the umask may have narrowed writeFileSync's mode, never widened it; be explicit
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Replaces `KEY=…` lines (also `export KEY=…`) of the three keys in place; appends the missing ones. */
export function updateEnvText(text: string, env: ConnectionEnv): string {
  const pending = new Map(Object.entries(env));
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const out: string[] = [];
  for (const line of lines) {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (key === undefined || !Object.hasOwn(env, key)) out.push(line);
    else if (pending.has(key)) {
      out.push(`${key}=${pending.get(key)!}`);
      pending.delete(key);
    } // a second line setting the same key would override ours in most loaders: drop it
  }
  for (const [key, value] of pending) out.push(`${key}=${value}`);
  return `${out.join('\n')}\n`;
}
