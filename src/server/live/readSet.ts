// What a live query reads, to tell which committed writes can change its result: the namespaces its forms
// and where paths visit (every attr of those namespaces: fields, order, existence) and the link attrs it
// walks (a reverse link belongs to the other namespace). A write to none of these leaves the result as it
// was, so the subscription is not recomputed.

import type { Attr, AttrIndex } from '../storage/attrs.js';
import type { Cond, Form } from '../query/forms.js';

export interface ReadSet {
  /** Recompute on every write to the app (permission rules may read data beyond the query's namespaces). */
  everything: boolean;
  etypes: ReadonlySet<string>;
  linkAttrIds: ReadonlySet<string>;
}

export function readSetOf(forms: Form[], attrs: AttrIndex, everything: boolean): ReadSet {
  const etypes = new Set<string>();
  const linkAttrIds = new Set<string>();
  const visit = (form: Form, etype: string) => {
    etypes.add(etype);
    walkWhere(form.options.where ?? [], etype);
    for (const child of form.children) {
      const link = linkOf(attrs, etype, child.k);
      if (!link) continue; // unknown link: only an attr change can make it resolve, and that refreshes everything
      linkAttrIds.add(link.attr.id);
      visit(child, link.target);
    }
  };
  const walkWhere = (conds: Cond[], etype: string) => {
    for (const cond of conds) {
      if (cond.kind !== 'path') {
        walkWhere(cond.conds, etype);
        continue;
      }
      let current = etype;
      for (const label of cond.path) {
        const link = linkOf(attrs, current, label);
        if (!link) break;
        linkAttrIds.add(link.attr.id);
        current = link.target;
        etypes.add(current);
      }
    }
  };
  for (const form of forms) visit(form, form.k);
  return { everything, etypes, linkAttrIds };
}

/** A link label on a namespace, forward first (like where.ts `resolveLink`, without throwing on data attrs). */
function linkOf(attrs: AttrIndex, etype: string, label: string): { attr: Attr; target: string } | undefined {
  const fwd = attrs.fwd(etype, label);
  if (fwd) return fwd.valueType === 'ref' ? { attr: fwd, target: fwd.revEtype! } : undefined;
  const rev = attrs.rev(etype, label);
  return rev?.valueType === 'ref' ? { attr: rev, target: rev.etype } : undefined;
}

/** Whether a write to these attrs can change what the read set covers. */
export function touches(read: ReadSet, attrIds: Iterable<string>, attrs: AttrIndex): boolean {
  if (read.everything) return true;
  for (const id of attrIds) {
    if (read.linkAttrIds.has(id)) return true;
    const attr = attrs.get(id);
    if (attr && read.etypes.has(attr.etype)) return true;
  }
  return false;
}
