import path from 'node:path';
import { generate } from '../../src/generate.js';
import { fixtureSchema, scratchDir } from './paths.js';

/** Generates a fixture's client into a scratch folder and imports it (vitest compiles the TypeScript). */
export async function importGeneratedClient<T = any>(fixture: string): Promise<T> {
  const outDir = path.join(scratchDir(`client-${fixture}`), 'instant.gen');
  await generate({ schemaFile: fixtureSchema(fixture), outDir });
  return (await import(path.join(outDir, 'index.ts'))) as T;
}

/** A fetch that records calls and answers with the given status and body. */
export function recordingFetch(status = 200, body: unknown = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(url), init });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}
