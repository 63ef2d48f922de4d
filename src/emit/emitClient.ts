import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { settingsOf, type EmitSettings } from '../config/options.js';
import type { SchemaIR } from '../ir/types.js';
import { sha256 } from '../util/hash.js';
import { createEmitContext } from './context.js';
import { entityModule } from './entityModule.js';
import { header } from './header.js';
import { indexModule } from './indexModule.js';
import { readmeFile } from './readmeFile.js';
import { userTypeNames, userTypesModule } from './userTypesModule.js';

const RUNTIME_DIR = fileURLToPath(new URL('../../templates/runtime/', import.meta.url));

export interface EmitOptions {
  outDir: string;
  toolVersion: string;
  /** Default: the defaults of every option. */
  settings?: EmitSettings;
}

/** The IR as it is published in `schema.json`: no absolute paths, no source locations. */
export function publicIR(ir: SchemaIR): object {
  return JSON.parse(JSON.stringify({ entities: ir.entities, links: ir.links, rooms: ir.rooms }, (key, value) => (key === 'location' ? undefined : value)));
}

/** Every output file (relative path → unformatted TypeScript/JSON), from the IR alone. */
export function emitClient(ir: SchemaIR, options: EmitOptions): Map<string, string> {
  const published = JSON.stringify(publicIR(ir), null, 2) + '\n';
  const schemaPath = path.relative(options.outDir, ir.schemaFile).split(path.sep).join('/');
  const top = header({ toolVersion: options.toolVersion, schemaPath, schemaHash: sha256(published).slice(0, 16) });
  const userTypes = userTypesModule(ir.types, options.outDir);
  const ctx = createEmitContext(ir, userTypes ? userTypeNames(ir.types) : [], options.settings ?? settingsOf({}));
  const files = new Map<string, string>();
  for (const entity of ir.entities) files.set(`entities/${ctx.fileName(entity.name)}.ts`, top + entityModule(ctx, entity));
  files.set('index.ts', top + indexModule(ctx));
  if (userTypes) files.set('user-types.ts', top + userTypes);
  for (const name of fs.readdirSync(RUNTIME_DIR).sort()) {
    files.set(`runtime/${name}`, top + fs.readFileSync(path.join(RUNTIME_DIR, name), 'utf8'));
  }
  files.set('schema.json', published);
  files.set('README.md', readmeFile(ctx, schemaPath));
  return files;
}
