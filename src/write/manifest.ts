import fs from 'node:fs';
import path from 'node:path';
import type { EmitSettings } from '../config/options.js';
import { sha256 } from '../util/hash.js';

export const MANIFEST_FILE = 'manifest.json';

/**
 * What a run read and wrote. When the inputs (schema, its local imports, the tsconfig files of their path
 * aliases), the settings and the tool version hash the same, and the outputs are as written, the next run
 * has nothing to do.
 */
export interface Manifest {
  tool: 'instant-codegen';
  version: string;
  inputsHash: string;
  /** Input files, relative to the output folder. */
  inputs: string[];
  /** Output file → sha256 of its content. */
  outputs: Record<string, string>;
  entities: number;
  links: number;
  /** The settings it was generated with (what `doctor` checks staleness with when no config says otherwise). */
  settings?: EmitSettings;
}

function relative(outDir: string, file: string): string {
  return path.relative(outDir, file).split(path.sep).join('/');
}

/** Hashes the inputs; undefined when one of them is gone. */
export function hashInputs(outDir: string, inputs: string[], settings: EmitSettings, version: string): string | undefined {
  const parts = [version, JSON.stringify(settings)];
  for (const input of [...inputs].sort()) {
    const file = path.resolve(outDir, input);
    if (!fs.existsSync(file)) return undefined;
    parts.push(input, sha256(fs.readFileSync(file)));
  }
  return sha256(parts.join('\0'));
}

export function createManifest(
  outDir: string,
  inputFiles: string[],
  outputs: Map<string, string>,
  settings: EmitSettings,
  info: { version: string; entities: number; links: number },
): string {
  const inputs = inputFiles.map((f) => relative(outDir, f)).sort();
  const manifest: Manifest = {
    tool: 'instant-codegen',
    version: info.version,
    inputsHash: hashInputs(outDir, inputs, settings, info.version)!,
    inputs,
    outputs: Object.fromEntries([...outputs].map(([file, content]) => [file, sha256(content)]).sort(([a], [b]) => (a < b ? -1 : 1))),
    entities: info.entities,
    links: info.links,
    settings,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The manifest of an output folder, if it has a readable one. */
export function readManifest(outDir: string): Manifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(outDir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** The manifest of an output folder that needs no work, or undefined. Reads files and hashes; loads nothing heavy. */
export function upToDateManifest(outDir: string, settings: EmitSettings, version: string): Manifest | undefined {
  const manifest = readManifest(outDir);
  if (!manifest) return undefined;
  if (manifest.version !== version || hashInputs(outDir, manifest.inputs, settings, version) !== manifest.inputsHash) return undefined;
  for (const [output, hash] of Object.entries(manifest.outputs)) {
    const target = path.join(outDir, output);
    // Bytes, not text: the same hash for what was written (UTF-8), without decoding megabytes on every run.
    if (!fs.existsSync(target) || sha256(fs.readFileSync(target)) !== hash) return undefined;
  }
  return manifest;
}
