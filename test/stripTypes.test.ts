import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { toCommonJs } from '../src/schema/stripTypes.js';
import { ROOT } from './support/paths.js';

/** Runs CommonJS code with stub modules; returns its exports, the modules it required, and any error's stack. */
function run(code: string, file: string) {
  const required: string[] = [];
  const modules: Record<string, unknown> = {
    cjs: { a: 1, b: 2 },
    esm: { __esModule: true, default: 'dflt', a: 'A' },
  };
  const require = (name: string) => (required.push(name), modules[name] ?? { [name]: true });
  const exports: Record<string, unknown> = {};
  const wrapped = new vm.Script(`(function (exports, require, module) {\n${code}\n})`, { filename: file, lineOffset: -1 }).runInThisContext();
  try {
    wrapped(exports, require, { exports });
    return { exports: JSON.parse(JSON.stringify(exports)), required };
  } catch (error) {
    return { error: (error as Error).stack ?? '', required };
  }
}

const transpiled = (source: string) =>
  ts.transpileModule(source, { fileName: 'x.ts', compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
const stripped = (source: string, file = 'x.ts') => toCommonJs(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS));

const CASES = {
  annotations: `const n: number = 1; function f<T extends object>(x: T, y?: string): T | undefined { return y ? x : undefined; }\nexport default { n, f: typeof f, r: f<{}>({}, 'y') };`,
  'as, satisfies, non-null': `const o = { a: 1 } as const; const s = ({ b: 2 }) satisfies object; const m = new Map<string, number>([['k', 1]]);\nexport const v = [o.a, s.b, m.get('k')!];`,
  'types and interfaces': `interface A { a: string }\ntype B = A & { b: 1 };\nexport type { B };\nexport interface C {}\nconst x = 1;\nexport { x as y, type A };\ndeclare const g: number;`,
  'type-only imports elided': `import type { T } from 'types-only';\nimport { type U } from 'also-types';\nimport { V } from 'used-as-type';\nimport { a } from 'cjs';\nconst t: T | U | V = null!;\nexport default a;`,
  'default and namespace imports': `import d, { a } from 'esm';\nimport * as ns from 'cjs';\nimport plain from 'cjs';\nimport 'side-effect';\nexport default { d, a, ns, plain };`,
  'exports by name': `export const one = 1, two = 2;\nexport function three() { return 3; }\nconst four = 4;\nexport { four as 'four-4' };\nexport default three();`,
  'arrow functions and objects': `const f = <T,>(x: T): T => x;\nconst o = { m<T>(x: T): T { return x; }, [f('k')]: f<number>(1) };\nexport default o.m('v') + o.k;`,
};

describe('toCommonJs: types erased in place, the same module as TypeScript emits', () => {
  for (const [name, source] of Object.entries(CASES)) {
    it(name, () => {
      const ours = stripped(source);
      expect(ours, 'handled without TypeScript').toBeDefined();
      expect(run(ours!.code, 'x.ts')).toEqual(run(transpiled(source), 'x.ts'));
    });
  }

  it('the fixtures, their helpers and our DSL module evaluate as with TypeScript', () => {
    const files = [
      ...fs.readdirSync(path.join(ROOT, 'fixtures')).flatMap((d) => {
        const dir = path.join(ROOT, 'fixtures', d);
        return fs.statSync(dir).isDirectory() ? fs.readdirSync(dir).filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts')).map((f) => path.join(dir, f)) : [];
      }),
      path.join(ROOT, 'dist/schema/instantDsl.js'), // the DSL that schemas import, as it runs (npm run build)
    ];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = fs.readFileSync(file, 'utf8');
      const ours = stripped(source, file);
      expect(ours, path.relative(ROOT, file)).toBeDefined();
      // Stub modules: what matters is that both run the same code (same requires, same exports or same error).
      const [a, b] = [run(ours!.code, file), run(transpiled(source), file)];
      expect(a.required, file).toEqual(b.required);
      expect(a.exports, file).toEqual(b.exports);
    }
  });

  it('keeps every line, and maps columns back where code was inserted (line 1, `export default`)', () => {
    const at = (stack: string) => /x\.ts:(\d+):(\d+)/.exec(stack)!.slice(1).map(Number) as [number, number];
    const lastLine = `const t: string = 'x';\nexport default (() => { throw new Error('two'); })();`;
    const firstLine = `import { a } from 'cjs'; const n: number = a; if (n) throw new Error('one');\n`;
    for (const [source, line] of [[lastLine, 2], [firstLine, 1]] as const) {
      const ours = stripped(source)!;
      expect(ours.code.split('\n').length).toBe(source.split('\n').length);
      expect(ours.original(...at(run(ours.code, 'x.ts').error!))).toEqual({ line, column: source.split('\n')[line - 1].indexOf('new Error') + 1 });
    }
  });

  it('leaves to TypeScript what it does not handle', () => {
    for (const source of ['enum E { A }', 'namespace N { export const x = 1; }', 'class C { constructor(private x: number) {} }', 'export default function f() {}', 'export * from "m";', 'const x = <any>1;', 'console.log(1);\nimport { a } from "m";', 'const f = (x)\n: number => x;', 'const m = import("m");']) {
      expect(stripped(source), source).toBeUndefined();
    }
    expect(stripped('export class C { static x = 1; }', 'x.js')).toBeDefined();
  });
});
