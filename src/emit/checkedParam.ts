/**
 * The type of a query (or page options) parameter, written out at each signature: `Q` is inferred from the
 * literal (a conditional target infers to both branches), and once `Q` is known this is `Query` itself, a plain
 * type. The literal is then checked against it as against any declared type: unknown keys at any depth are excess
 * properties, reported where they are written, and nothing is computed from the schema beyond the keys the query
 * uses. Inline rather than a shared alias (`rt.Checked<Q, Query>`): instantiating the alias and its arguments cost
 * ~10 instantiations a call. Not `Q extends unknown ? Query : Q` (cheaper still): in some queries (1 schema in 12
 * of test/fuzz/typecheck.test.ts) inference then falls back to the constraint, and the rows lose their shape.
 */
export const checkedParam = (typeParam: string, query: string) => `[${typeParam}] extends [never] ? ${typeParam} : ${query}`;
