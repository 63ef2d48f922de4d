// Emitting code already in the layout prettier gives it (under the fixed config), so that large outputs
// need not be run through prettier: a test checks that prettier leaves such files unchanged.

export const PRINT_WIDTH = 110;

/** A string literal as prettier writes it: single quotes, unless the text holds more single than double quotes. */
export function quote(text: string): string {
  if (!/['"\\\u0000-\u001f\u007f]/.test(text)) return `'${text}'`; // the common case, fast
  const singles = text.split("'").length;
  const doubles = text.split('"').length;
  const q = singles > doubles ? '"' : "'";
  let out = q;
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '"' || ch === "'") out += ch;
    else out += JSON.stringify(ch).slice(1, -1); // control characters escaped as JSON does
  }
  return out + q;
}

/** `{}` when empty, else one member per line. */
export function block(lines: readonly string[]): string {
  return lines.length ? `{\n${lines.join('\n')}\n}` : '{}';
}

/** `export type X = a | b;` on one line when it fits, else prettier's one-member-per-line form. */
export function unionAlias(head: string, members: readonly string[]): string {
  if (members.length === 0) return `${head} = never;`;
  const union = `${members.join(' | ')};`;
  if (`${head} = ${union}`.length <= PRINT_WIDTH || members.length === 1) return `${head} = ${union}`;
  // Prettier's middle form: break after `=`, the union on one indented line when it fits there.
  if (`  ${union}`.length <= PRINT_WIDTH) return `${head} =\n${union}`;
  return `${head} =\n${members.map((m) => `| ${m}`).join('\n')};`;
}

/** `import type { a, b } from 'x';` (or `export type ...`), broken one name per line when too long. */
export function importLine(keyword: 'import' | 'import type' | 'export' | 'export type', names: readonly string[], from: string): string {
  const oneLine = `${keyword} { ${names.join(', ')} } from ${from};`;
  return oneLine.length <= PRINT_WIDTH ? oneLine : `${keyword} {\n${names.map((n) => `${n},`).join('\n')}\n} from ${from};`;
}

/**
 * Indents emitted code by bracket depth, two spaces a level; a line starting with closers is dedented.
 * Brackets inside strings, template literals and comments do not count.
 */
export function indent(code: string): string {
  let depth = 0;
  let continues = false;
  // The open conditional types, innermost last: the level of their branches, and whether their
  // false branch has begun (when it ends, so does the conditional, and its parent's branch).
  const conditionals: { level: number; inFalse: boolean }[] = [];
  const parens: boolean[] = [];
  const out: string[] = [];
  const lines = code.split('\n').map((raw) => raw.trim());
  for (const [i, line] of lines.entries()) {
    if (line === '') {
      if (out.length && out[out.length - 1] !== '') out.push('');
      continue;
    }
    const { opens, closes, leadingCloses } = line.startsWith('*') ? { opens: 0, closes: 0, leadingCloses: 0 } : brackets(line, parens);
    // Continuation lines: after `X =`, union members (`| a`), and the branches of a conditional type (`? a`, `: b`),
    // one level deeper for each conditional that a branch (or another line) starts.
    const branch = /^[?:] /.test(line);
    const current = conditionals[conditionals.length - 1];
    const level = branch && current ? current.level : Math.max(0, depth - leadingCloses) + (branch || continues || line.startsWith('| ') ? 1 : 0);
    // Inside a multi-line JSDoc comment, lines start one space in, under the first `*` of `/**`.
    out.push('  '.repeat(level) + (line.startsWith('*') ? ` ${line}` : line));
    if (branch && current) current.inFalse = line.startsWith(': ');
    if (line.endsWith(';')) {
      conditionals.length = 0;
    } else if (nextCodeLine(lines, i).startsWith('? ')) {
      // A check (its true branch follows): a conditional opens, its branches one level deeper than this line, and
      // one more inside a parenthesis this line opens, unless the parenthesis starts a member's type (`a: (X`).
      const paren = opens > closes && (branch || line.startsWith('| ')) ? 1 : 0;
      conditionals.push({ level: level + 1 + paren, inFalse: false });
    } else if (branch && current?.inFalse) {
      // A false branch that is no check ends its conditional, and each enclosing one it is the false branch of.
      while (conditionals[conditionals.length - 1]?.inFalse) conditionals.pop();
    }
    depth = Math.max(0, depth + opens - closes);
    continues = line.endsWith(' =');
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

function nextCodeLine(lines: readonly string[], i: number): string {
  for (let j = i + 1; j < lines.length; j++) if (lines[j] !== '') return lines[j];
  return '';
}

const NO_BRACKETS = { opens: 0, closes: 0, leadingCloses: 0 };

/** `parens`: whether each open parenthesis (across lines, innermost last) hugs an object or array (`({`). */
function brackets(line: string, parens: boolean[]): { opens: number; closes: number; leadingCloses: number } {
  // Most lines (`title?: string;`) have no bracket, quote or comment: nothing to scan.
  if (!/[{}()[\]'"`/]/.test(line)) return NO_BRACKETS;
  let opens = 0;
  let closes = 0;
  let leadingCloses = 0;
  let leading = true;
  let quoteChar = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoteChar) {
      if (ch === '\\') i++;
      else if (ch === quoteChar) quoteChar = '';
      continue;
    }
    if (ch === '/' && (line[i + 1] === '/' || line[i + 1] === '*')) {
      const end = line[i + 1] === '*' ? line.indexOf('*/', i + 2) : -1;
      if (end < 0) break;
      i = end + 1;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      quoteChar = ch;
      leading = false;
    } else if (ch === '{' || ch === '(' || ch === '[') {
      // A call whose last argument is an object or array (`f({`) hugs it: one level for both.
      if (!(ch !== '(' && line[i - 1] === '(')) opens++;
      if (ch === '(') parens.push(line[i + 1] === '{' || line[i + 1] === '[');
      leading = false;
    } else if (ch === '}' || ch === ')' || ch === ']') {
      // `})` closes a hug (one level); a parenthesis around a type that ends in an object (`(A & { ... })`) does not.
      const hugs = ch === ')' && (parens.length ? parens.pop() : true);
      if (hugs && (line[i - 1] === '}' || line[i - 1] === ']')) continue;
      closes++;
      if (leading) leadingCloses++;
    } else if (ch !== ' ') {
      leading = false;
    }
  }
  return { opens, closes, leadingCloses };
}

/**
 * Whether prettier would keep every code line as it is: each fits the width (comments are never wrapped), and
 * none holds non-ASCII text, whose printed width (wide characters count double) is prettier's to measure.
 */
export function fitsWidth(code: string): boolean {
  return code.split('\n').every((line) => /^\s*(\/\/|\/\*|\*)/.test(line) || (line.length <= PRINT_WIDTH && /^[\x20-\x7e]*$/.test(line)));
}

/** `[a, b]` on one line when `prefix[...]suffix` fits, else one element per line (prettier's form for strings). */
export function arrayLiteral(prefix: string, items: readonly string[], suffix: string): string {
  const oneLine = `${prefix}[${items.join(', ')}]${suffix}`;
  return oneLine.length <= PRINT_WIDTH || items.length === 0 ? oneLine : `${prefix}[\n${items.map((i) => `${i},`).join('\n')}\n]${suffix}`;
}

/** A method signature at `depth`: on one line when it fits, else one parameter per line, as prettier prints it. */
export function methodSignature(depth: number, head: string, params: readonly string[], returns: string): string {
  const oneLine = `${head}(${params.join(', ')}): ${returns};`;
  return '  '.repeat(depth).length + oneLine.length <= PRINT_WIDTH ? oneLine : `${head}(\n${params.map((p) => `${p},`).join('\n')}\n): ${returns};`;
}
