import path from 'node:path';
import { generate } from '../../src/generate.js';
import type { Options } from '../../src/config/options.js';
import { emitClient } from '../../src/emit/emitClient.js';
import type { SchemaIR } from '../../src/ir/types.js';
import { TOOL_VERSION } from '../../src/util/version.js';
import { formatFiles } from '../../src/write/format.js';
import { writeOutput } from '../../src/write/writeOutput.js';
import { clientEntry, fixtureSchema, scratchDir } from './paths.js';

/** Generates a fixture's client into a scratch folder and imports it (vitest compiles the TypeScript). */
export async function importGeneratedClient<T = any>(fixture: string, options: Options = {}): Promise<T> {
  const outDir = path.join(scratchDir(`client-${fixture}`), 'instant.gen');
  await generate({ schemaFile: fixtureSchema(fixture), outDir, ...options });
  return (await import(clientEntry(outDir))) as T;
}

/**
 * Generates a client straight from an IR (e.g. `buildIR(i.schema(...))`, no schema file) into
 * `<scratch>/instant.gen` and imports it. The IR's `schemaFile` only names the source in the headers; it
 * is set to `<scratch>/instant.schema.ts`, as if the schema sat beside the output.
 */
export async function importClientFromIR<T = any>(ir: SchemaIR, label: string): Promise<{ mod: T; dir: string }> {
  const dir = scratchDir(`client-ir-${label}`);
  const outDir = path.join(dir, 'instant.gen');
  const files = await formatFiles(emitClient({ ...ir, schemaFile: path.join(dir, 'instant.schema.ts') }, { outDir, toolVersion: TOOL_VERSION }));
  writeOutput(outDir, files);
  return { mod: (await import(clientEntry(outDir))) as T, dir };
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
