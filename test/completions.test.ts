import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generate.js';
import { fixtureSchema, scratchDir } from './support/paths.js';

// What an editor offers inside a query: the reason for typed builders. Checked through TypeScript 5.9's
// language service, as tsserver would answer.
const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');

const USAGE = `import { createClient, id } from './gen/index.js';
const db = createClient({ appId: 'a' });
db.goals.query({ $: { where: { /*where*/ } } });
db.goals.query({ $: { /*options*/ } });
db.goals.query({ todos: { /*link*/ } });
db.goals.query({ todos: { $: { where: { /*nestedWhere*/ } } } });
db.goals.get(id(), { /*get*/ });
db.query({ goals: { $: { where: { /*multi*/ } } } });
db.transact(db.goals.tx(id()).update({ /*update*/ }));
db.goals.tx(id()).link({ /*links*/ });
db.todos.tx({ /*lookup*/ });
`;

const EXPECTED: Record<string, string[]> = {
  where: ['title', 'priority', 'dueDate', 'owner', 'todos.title', 'owner.email', 'or', 'and', 'id'],
  options: ['where', 'order', 'limit', 'first', 'last', 'offset', 'before', 'after', 'fields'],
  link: ['$', 'goal', 'assignees'],
  nestedWhere: ['title', 'done', 'createdAt', 'goal', 'goal.title'],
  get: ['$', 'owner', 'todos'],
  multi: ['title', 'priority', 'todos.title'],
  update: ['title', 'priority', 'done', 'dueDate', 'metrics', 'description'],
  links: ['owner', 'todos'],
  lookup: ['title'],
};

describe('editor completions inside generated-client calls', () => {
  for (const output of ['ts', 'dts'] as const) {
    it(`list the schema's names at every position (--output ${output})`, async () => {
      const dir = scratchDir(`completions-${output}`);
      await generate({ schemaFile: fixtureSchema('todo'), outDir: path.join(dir, 'gen'), output });
      const file = path.join(dir, 'usage.ts');
      fs.writeFileSync(file, USAGE);
      const options: import('typescript').CompilerOptions = { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [] };
      const service = ts.createLanguageService({
        getScriptFileNames: () => [file],
        getScriptVersion: () => '1',
        getScriptSnapshot: (f) => (fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined),
        getCurrentDirectory: () => dir,
        getCompilationSettings: () => options,
        getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
        fileExists: ts.sys.fileExists,
        readFile: ts.sys.readFile,
        readDirectory: ts.sys.readDirectory,
        directoryExists: ts.sys.directoryExists,
        getDirectories: ts.sys.getDirectories,
      });
      for (const [marker, expected] of Object.entries(EXPECTED)) {
        const entries = service.getCompletionsAtPosition(file, USAGE.indexOf(`/*${marker}*/`), {})?.entries ?? [];
        const names = entries.map((e) => e.name.replace(/^"(.*)"$/, '$1')); // non-identifiers come quoted
        expect(names, marker).toEqual(expect.arrayContaining(expected));
        expect(names, `${marker}: only the schema's names, not the global scope`).not.toContain('createClient');
      }
    });
  }
});
