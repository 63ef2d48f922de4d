import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { settingsOf, type EmitSettings } from '../config/options.js';
import type { SchemaIR } from '../ir/types.js';
import { sha256 } from '../util/hash.js';
import { createEmitContext } from './context.js';
import { entityModule } from './entityModule.js';
import { header, NO_CHECK } from './header.js';
import { indexModule } from './indexModule.js';
import { fitsWidth, indent } from './layout.js';
import { EmittedFiles, renderModule } from './moduleParts.js';
import { readmeFile } from './readmeFile.js';
import { schemasModule } from './schemasModule.js';
import { testingModule } from './testingModule.js';
import { userTypeNames, userTypesModule } from './userTypesModule.js';

const RUNTIME_SOURCES = fileURLToPath(new URL('../../templates/runtime/', import.meta.url));
/** The runtime compiled to .js + .d.ts by `npm run build` (tsconfig.templates.json). */
const RUNTIME_BUILT = fileURLToPath(new URL('../../dist/templates/runtime/', import.meta.url));

export interface EmitOptions {
  outDir: string;
  toolVersion: string;
  /** Default: the defaults of every option. */
  settings?: EmitSettings;
}

/** Indents emitted code; it skips prettier when nothing in it is prettier's to decide. */
function setLaidOut(files: EmittedFiles, file: string, text: string, mayBeFinal: boolean): void {
  const laidOut = indent(text);
  files.set(file, laidOut);
  if (mayBeFinal && fitsWidth(laidOut)) files.final.add(file);
}

/** The IR as it is published in `schema.json`: no absolute paths, no source locations. */
export function publicIR(ir: SchemaIR): object {
  return JSON.parse(JSON.stringify({ entities: ir.entities, links: ir.links, rooms: ir.rooms }, (key, value) => (key === 'location' || key === 'asTypeInIntersection' ? undefined : value)));
}

/** Every output file (relative path → unformatted TypeScript/JSON), from the IR alone. */
export function emitClient(ir: SchemaIR, options: EmitOptions): EmittedFiles {
  const published = JSON.stringify(publicIR(ir), null, 2) + '\n';
  const schemaPath = path.relative(options.outDir, ir.schemaFile).split(path.sep).join('/');
  const top = header({ toolVersion: options.toolVersion, schemaPath, schemaHash: sha256(published).slice(0, 16) });
  const userTypes = userTypesModule(ir.types, options.outDir);
  const ctx = createEmitContext(ir, userTypes ? userTypeNames(ir.types) : [], options.settings ?? settingsOf({}));
  const { output } = ctx.settings;
  // Every generated `.ts` file but the user's own types (see NO_CHECK).
  const codeTop = output === 'ts' ? top + NO_CHECK : top;
  const files = new EmittedFiles();
  for (const entity of ir.entities) {
    // Most of the output: laid out here, unless multi-line user type text or a long name leaves prettier to decide.
    // `.asType<T>()` too, unless its forms are known: prettier keeps or drops its parentheses depending on T.
    const asTypeUnsettled = entity.asType !== undefined && (entity.asTypeInIntersection === undefined || entity.asType.includes('\n'));
    const userText = asTypeUnsettled || entity.attrs.some((a) => a.tsType?.includes('\n'));
    for (const [file, text] of renderModule(`entities/${ctx.fileName(entity.name)}`, entityModule(ctx, entity), output, codeTop)) {
      setLaidOut(files, file, text, !userText);
    }
  }
  for (const [file, text] of renderModule('index', indexModule(ctx), output, codeTop)) setLaidOut(files, file, text, true);
  for (const [file, text] of renderModule('schemas', schemasModule(ctx), output, codeTop)) setLaidOut(files, file, text, true);
  // The test kit's entry (factories, createTestApp): only when asked for, since it imports instant-codegen itself.
  if (ctx.settings.testing) {
    for (const [file, text] of renderModule('testing', testingModule(ctx, schemaPath), output, codeTop)) setLaidOut(files, file, text, true);
  }
  // Copied types, and possibly a `const` a type refers to: kept as .ts in both modes.
  if (userTypes) files.set('user-types.ts', top + userTypes);
  const runtimeDir = output === 'ts' ? RUNTIME_SOURCES : RUNTIME_BUILT;
  for (const name of fs.readdirSync(runtimeDir).filter((f) => !f.endsWith('.map')).sort()) {
    files.set(`runtime/${name}`, codeTop + fs.readFileSync(path.join(runtimeDir, name), 'utf8'));
    // The sources are kept prettier-formatted, and the build formats tsc's .js/.d.ts output (a test checks both).
    files.final.add(`runtime/${name}`);
  }
  // JSON.stringify's layout is prettier's; the README is documentation, not code.
  for (const [file, text] of [['schema.json', published], ['README.md', readmeFile(ctx, schemaPath)]]) {
    files.set(file, text);
    files.final.add(file);
  }
  return files;
}
