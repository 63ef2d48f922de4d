import { quote } from './layout.js';

// Turning arbitrary schema names (dashes, unicode, `$`, reserved words, case-only differences)
// into valid, unique, deterministic identifiers, property keys, file names and doc text.
import { ts } from '../util/tsMorph.js';

/**
 * Identifier characters that every tool reading the output agrees on: the running engine knows a recent
 * Unicode, but TypeScript, esbuild and prettier know an older one (`ꟓ`, Unicode 14, is a letter to Node 20
 * and a syntax error to tsc and esbuild). A character is used in an identifier only when both accept it.
 */
const START = /^[\p{ID_Start}$_]$/u;
const PART = /^[\p{ID_Continue}$\u200C\u200D]$/u;
const isStart = (ch: string) => START.test(ch) && ts.isIdentifierStart(ch.codePointAt(0)!, ts.ScriptTarget.ESNext);
const isPart = (ch: string) => PART.test(ch) && ts.isIdentifierPart(ch.codePointAt(0)!, ts.ScriptTarget.ESNext);
const IDENTIFIER = {
  test(name: string): boolean {
    const [first, ...rest] = [...name];
    return first !== undefined && isStart(first) && rest.every(isPart);
  },
};
const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await').split(' '),
);

/** Remembered: every attribute name is asked about in many places of the output. */
const identifiers = new Map<string, boolean>();

export function isIdentifier(name: string): boolean {
  let known = identifiers.get(name);
  if (known === undefined) identifiers.set(name, (known = IDENTIFIER.test(name) && !RESERVED.has(name)));
  return known;
}

/** A property key: bare when possible, else a quoted string (reserved words are fine as keys). */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

/**
 * A key in an object literal of a `.js` file: as `propertyKey`, except simple numbers (`0`, `12`, `1.5`),
 * which prettier's JavaScript parsers print unquoted (its TypeScript parser keeps the quotes).
 */
export function jsPropertyKey(name: string): string {
  return /^(?:\d+|\d+\.\d+)$/.test(name) && String(Number(name)) === name ? name : propertyKey(name);
}

/**
 * Members of TypeScript's `Object` interface. An object literal without such a key still has it (inherited),
 * and TypeScript checks that against an optional property of the same name: `{}` is not assignable to
 * `{ toString?: string }`.
 */
const OBJECT_MEMBERS = new Set(['constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable']);

/** The type of an optional property that users fill with object literals, widened by an inherited member of that name. */
export function optionalInput(name: string, type: string): string {
  return OBJECT_MEMBERS.has(name) ? `${type} | globalThis.Object[${quote(name)}]` : type;
}

/** `obj.name` or `obj['name']`. */
export function memberAccess(name: string): string {
  return IDENTIFIER.test(name) ? `.${name}` : `[${quote(name)}]`;
}

/** `goals` → `Goals`, `app-deletion-sweeper` → `AppDeletionSweeper`, `$users` → `$Users`, `2fa` → `_2fa`. */
export function pascalCase(name: string): string {
  const prefix = name.startsWith('$') ? '$' : '';
  const words: string[][] = [[]];
  for (const ch of name.slice(prefix.length)) {
    if (ch !== '_' && ch !== '$' && isPart(ch)) words[words.length - 1].push(ch);
    else if (words[words.length - 1].length) words.push([]);
  }
  const capital = (ch: string) => ([...ch.toUpperCase()].every(isPart) ? ch.toUpperCase() : ch);
  const body = words.map(([first, ...rest]) => (first === undefined ? '' : capital(first) + rest.join(''))).join('') || 'Entity';
  const candidate = prefix + body;
  return isStart([...candidate][0]) ? candidate : `_${candidate}`;
}

/**
 * Assigns each name a unique value of `derive(name)`: clashes (`foo-bar` vs `foo_bar`, or file names that
 * differ only by case) get `_2`, `_3`... in the order of `names`, which callers sort with the fixed collator.
 */
export function uniqueNames(
  names: readonly string[],
  derive: (name: string) => string,
  taken: Iterable<string> = [],
  clashes: (candidate: string) => boolean = () => false,
): Map<string, string> {
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  const result = new Map<string, string>();
  for (const name of names) {
    const base = derive(name);
    let candidate = base;
    for (let n = 2; used.has(candidate.toLowerCase()) || clashes(candidate); n++) candidate = `${base}_${n}`;
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
  // One line: emitted code is laid out line by line, and a name may hold a line break.
  return text.replace(/\*\//g, '*\\/').replace(/\r\n?|[\n\u2028\u2029]/g, ' ');
}

/** Text safe inside a template literal (type): no raw line breaks (layout, and TS reads a raw CR as LF). */
export function templateText(text: string): string {
  return text.replace(/[`\\$]/g, '\\$&').replace(/[\r\n\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
