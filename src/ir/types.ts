// The plain-data model of a schema (the IR). Everything downstream (emitters, the local server)
// reads only this; it is JSON-serialisable and sorted deterministically.

export type ValueType = 'string' | 'number' | 'boolean' | 'date' | 'json';

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface AttrIR {
  name: string;
  valueType: ValueType;
  /** `i.any()` and `i.json()` are identical at runtime; the AST tells them apart. */
  dsl: 'string' | 'number' | 'boolean' | 'date' | 'json' | 'any';
  /** Required by the server (not `.optional()`, not `.clientRequired()`). */
  required: boolean;
  /** `.clientRequired()`: optional for the server, required in types. */
  clientRequired: boolean;
  unique: boolean;
  indexed: boolean;
  /** The TypeScript type argument the user wrote (`i.json<T>()`, `i.string<'a' | 'b'>()`), verbatim. */
  tsType?: string;
  location?: SourceLocation;
}

export interface LinkEndIR {
  /** The label on this entity (`goal.todos`). */
  label: string;
  /** The entity at the other end. */
  target: string;
  /** How many targets this label points to. */
  has: 'one' | 'many';
  /** The label at the other end. */
  targetLabel: string;
  /** How many of this entity the other end points to. */
  targetHas: 'one' | 'many';
  direction: 'forward' | 'reverse';
  /** The link's key in the schema's `links` object (cosmetic, never persisted). */
  linkName: string;
  /** Forward side only: the server requires the link. */
  required: boolean;
  /** Deleting the target deletes this entity. */
  onDelete?: 'cascade';
}

export interface EntityIR {
  name: string;
  /** `$users`, `$files`, `$streams`, ... */
  system: boolean;
  /** False when the entity is only referenced by links (common for `$users`). */
  declared: boolean;
  attrs: AttrIR[];
  links: LinkEndIR[];
  /** `.asType<T>()` type argument, verbatim. */
  asType?: string;
  /**
   * `asType` as prettier prints it inside the entity type's intersection (parentheses kept only where it needs
   * them): set once per text before emitting, so that the entity module can skip prettier. Not published.
   */
  asTypeInIntersection?: string;
  location?: SourceLocation;
}

export interface LinkSideIR {
  on: string;
  has: 'one' | 'many';
  label: string;
  required?: boolean;
  onDelete?: 'cascade';
}

export interface LinkIR {
  name: string;
  forward: LinkSideIR;
  reverse: LinkSideIR;
  location?: SourceLocation;
}

export interface RoomIR {
  name: string;
  presence: AttrIR[];
  topics: { name: string; attrs: AttrIR[] }[];
}

/** A type declaration copied from the schema's own module, and the imports it needs. */
export interface TypeSourceIR {
  /** Import statements to reproduce: module specifier relative to the schema file (or a package name). */
  imports: { specifier: string; resolvedFile?: string; names: { name: string; alias: string; isDefault: boolean; isNamespace: boolean }[] }[];
  /** Declarations from the schema file itself, verbatim, in source order. */
  declarations: string[];
}

export interface SchemaIR {
  /** Path of the schema file (absolute while generating; never emitted as such). */
  schemaFile: string;
  entities: EntityIR[];
  links: LinkIR[];
  rooms: RoomIR[];
  types: TypeSourceIR;
}
