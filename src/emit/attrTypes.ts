import type { AttrIR } from '../ir/types.js';

// How each attribute appears in results, in writes, in `where`, and in the runtime validators.

/** The value in query results: as the server returns it, except dates with `dates: 'date'`. */
export function resultType(attr: AttrIR, dates: 'stored' | 'date' = 'stored'): string {
  if (attr.tsType) return attr.tsType;
  switch (attr.valueType) {
    case 'date':
      return dates === 'date' ? 'Date' : 'string | number';
    case 'json':
      return 'any';
    default:
      return attr.valueType;
  }
}

/** The value accepted in create/update/merge. */
export function inputType(attr: AttrIR): string {
  return attr.valueType === 'date' ? 'rt.DateInput' : resultType(attr);
}

/** Required in results and on create: the server requires it, or `.clientRequired()` promises it. */
export function isPresent(attr: AttrIR): boolean {
  return attr.required || attr.clientRequired;
}

/** The `where` operators the server accepts for this attribute (shared/docs/semantics.md §2.3). */
export function whereType(attr: AttrIR): string {
  const value = attr.valueType === 'json' ? 'string | number | boolean' : inputType(attr);
  const parts = [`rt.Eq<${value}>`];
  if (!attr.required) parts.push('rt.IsNull');
  const typed = attr.valueType !== 'json';
  if (attr.indexed && typed) parts.push(`rt.Cmp<${value}>`);
  if (attr.indexed && attr.valueType === 'string') parts.push('rt.Like');
  return parts.join(' | ');
}

/** Schema facts for editor hovers: how it was declared and what that means. */
export function attrDoc(attr: AttrIR): string {
  const dsl = `i.${attr.dsl}${attr.tsType ? `<${attr.tsType}>` : ''}()`;
  const facts = [
    attr.clientRequired ? 'clientRequired (optional for the server)' : attr.required ? 'required' : 'optional',
    attr.unique && 'unique',
    attr.indexed && 'indexed',
  ].filter(Boolean);
  return `\`${dsl}\` · ${facts.join(' · ')}`;
}
