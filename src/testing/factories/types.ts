// Type helpers for the factories that `instant.gen/testing` declares per entity (its emitter writes
// `GoalsFactory` etc. in terms of these), so each generated declaration stays one line.

/** What `create` and `build` take: any attribute of `create`, those in `Given` required (the factory cannot make them up), and an id. */
export type FactoryInput<Create, Given extends keyof Create = never> = Partial<Create> & Pick<Create, Given> & { id?: string };

/** `with` on a has-one label: `true` builds one with made-up values, an object gives its overrides. */
export type OneWith<Input> = true | (Input & object);

/** `with` on a has-many label: how many to build, or the overrides of each. */
export type ManyWith<Input> = number | readonly Input[];

/** The labels given in `with`, as a query: the row `create` returns includes those links. */
export type WithQuery<W> = { -readonly [K in keyof W]: {} };

/** As the generated clients' query parameters (src/emit/checkedParam.ts): `W` is inferred from the literal, which is then checked against `With` (unknown labels are errors). */
export type CheckedWith<W, With> = [W] extends [never] ? W : With;

/** The options of `create` and `createMany`: `with` (checked against the entity's labels) and `link`. */
export interface FactoryOptions<W, With, Links> {
  /** Linked entities to build along, by label: `{ todos: 3 }`, `{ owner: true }`, `{ todos: [{ title: 'a' }] }`. */
  with?: CheckedWith<W, With>;
  /** Links to existing entities, as `chain.link(...)` takes them: `{ owner: userId }`. */
  link?: Links;
}
