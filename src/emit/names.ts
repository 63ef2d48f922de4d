// Turning arbitrary schema names (dashes, unicode, `$`, reserved words, case-only differences)
// into valid, unique, deterministic identifiers, property keys, file names and doc text.

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;
const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await').split(' '),
);

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

/** A property key: bare when possible, else a quoted string (reserved words are fine as keys). */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** `obj.name` or `obj["name"]`. */
export function memberAccess(name: string): string {
  return IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

/** `goals` → `Goals`, `app-deletion-sweeper` → `AppDeletionSweeper`, `$users` → `$Users`, `2fa` → `_2fa`. */
export function pascalCase(name: string): string {
  const prefix = name.startsWith('$') ? '$' : '';
  const words = name
    .slice(prefix.length)
    .split(/[^\p{ID_Continue}]+|_/u)
    .filter(Boolean);
  const body = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('') || 'Entity';
  const candidate = prefix + body;
  return /^[\p{ID_Start}$_]/u.test(candidate) ? candidate : `_${candidate}`;
}

/**
 * Assigns each name a unique value of `derive(name)`: clashes (`foo-bar` vs `foo_bar`, or file names that
 * differ only by case) get `_2`, `_3`... in the order of `names`, which callers sort with the fixed collator.
 */
export function uniqueNames(names: readonly string[], derive: (name: string) => string, taken: Iterable<string> = []): Map<string, string> {
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  const result = new Map<string, string>();
  for (const name of names) {
    const base = derive(name);
    let candidate = base;
    for (let n = 2; used.has(candidate.toLowerCase()); n++) candidate = `${base}_${n}`;
    used.add(candidate.toLowerCase());
    result.set(name, candidate);
  }
  return result;
}

/** A file name safe on every file system (case-insensitive ones included, via `uniqueNames`). */
export function fileStem(name: string): string {
  const stem = name.replace(/[^A-Za-z0-9_$-]+/g, (chars) => `_${[...chars].map((c) => c.codePointAt(0)!.toString(16)).join('_')}_`);
  return stem || '_';
}

/** Text safe inside a `/** ... *\/` comment. */
export function docText(text: string): string {
  return text.replace(/\*\//g, '*\\/');
}
