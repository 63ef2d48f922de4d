import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';

// ts-morph (CommonJS) through `require`: an ESM `import` of it makes Node scan its source for export names
// first, 0.1-0.2 s of every real run. Values and their types under the same names, as `import` gives them.
const tsMorph = createRequire(import.meta.url)('ts-morph') as typeof TsMorph;

export const Node = tsMorph.Node;
export type Node = TsMorph.Node;
export const SyntaxKind = tsMorph.SyntaxKind;
export type SyntaxKind = TsMorph.SyntaxKind;
export const Project = tsMorph.Project;
export const ts = tsMorph.ts;
