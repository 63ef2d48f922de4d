// What a rule sees (db/cel.clj `CelMap`, `DataCelMap`, `AuthCelMap`, `ref-impl`, db/proto.clj `request`):
// `data`, `newData`, `linkedData`, `auth`, `ruleParams` and `actions` are maps whose missing keys read as
// null (never an error); JSON integers are CEL ints and other numbers doubles, as Cheshire hands them to
// cel-java; `data.ref('a.b.attr')` / `auth.ref('$user.a.attr')` walk links from the map's `id` and return
// every value found (a list); `request` holds time, ip, origin and the modified fields.

import { celList, celMap, isCelList, isCelMap, isCelType, isCelUint, type CelInput, type CelMap } from '@bufbuild/cel';
import { isReflectMessage } from '@bufbuild/protobuf/reflect';
import { timestampDate, timestampFromMs, type Timestamp } from '@bufbuild/protobuf/wkt';
import { InstantError } from '../errors.js';
import type { Json, JsonObject } from '../json.js';
import type { QueryReader } from '../query/reader.js';
import { resolveLink } from '../query/where.js';

const CEL_MAP = Symbol.for('@bufbuild/cel/map');

/** Follows `ref` paths for the map it belongs to (`data`, `linkedData`, `auth`). */
export type RefResolver = (path: string) => Json[];

/**
 * A CEL map over a JSON object, Instant's `CelMap`: any key is "present" and a missing one reads as null,
 * so `auth.id == null` holds for guests and `has(data.x)` is always true. Carries the `ref` resolver of
 * `data`, `linkedData` and `auth`.
 */
export class RuleMap {
  readonly [CEL_MAP] = {};

  constructor(
    private readonly obj: JsonObject | null | undefined,
    readonly refs?: RefResolver,
  ) {}

  get size(): number {
    return this.obj ? Object.keys(this.obj).length : 0;
  }
  get(key: unknown): CelInput {
    const value = this.obj && Object.hasOwn(this.obj, String(key)) ? this.obj[String(key)] : null;
    return celValue(value);
  }
  has(): boolean {
    return true;
  }
  *entries(): IterableIterator<[string, CelInput]> {
    for (const [k, v] of Object.entries(this.obj ?? {})) yield [k, celValue(v)];
  }
  keys(): IterableIterator<string> {
    return Object.keys(this.obj ?? {})[Symbol.iterator]();
  }
  *values(): IterableIterator<CelInput> {
    for (const [, v] of this.entries()) yield v;
  }
  forEach(callback: (value: CelInput, key: string, map: RuleMap) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }
  [Symbol.iterator](): IterableIterator<[string, CelInput]> {
    return this.entries();
  }

  /** The JSON behind the map (for debug output). */
  json(): JsonObject | null {
    return this.obj ?? null;
  }

  /** As a CEL value (the class implements CelMap's members; the brand is the package's public symbol). */
  cel(): CelMap {
    return this as unknown as CelMap;
  }
}

/** JSON → CEL: integers become CEL ints (bigint), other numbers doubles, objects `RuleMap`s. */
export function celValue(v: Json | undefined): CelInput {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return celList(v.map(celValue));
  return new RuleMap(v).cel();
}

/** CEL → JSON, for check results: ints as numbers, timestamps as ISO strings, maps and lists recursively. */
export function jsonValue(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof RuleMap) return v.json();
  if (isCelUint(v)) return Number(v.value);
  if (isCelList(v)) return [...v].map(jsonValue);
  if (isCelMap(v)) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), jsonValue(x)]));
  if (isReflectMessage(v) && v.desc.typeName === 'google.protobuf.Timestamp') return timestampDate(v.message as Timestamp).toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (isCelType(v)) return v.name;
  return String(v);
}

/** `data`-like maps (`data`, `linkedData`): `ref` walks links from the entity's `id`. */
export function dataMap(reader: QueryReader, etype: string, entity: JsonObject | null | undefined): CelMap {
  const id = entity?.id;
  const refs: RefResolver = (path) => (typeof id === 'string' ? refValues(reader, etype, id, path) : []);
  return new RuleMap(entity, refs).cel();
}

/** `auth`: the impersonated user (null fields for guests); `auth.ref('$user.<path>')` walks from `$users`. */
export function authMap(reader: QueryReader, user: JsonObject | null): CelMap {
  const id = user?.id;
  const refs: RefResolver = (path) => (typeof id === 'string' ? refValues(reader, '$users', id, path.replace(/^\$user\./, '')) : []);
  return new RuleMap(user, refs).cel();
}

export interface RequestInfo {
  time: number;
  ip?: string;
  origin?: string;
  modifiedFields?: readonly string[];
}

/** Instant's `request` message: unset strings read as "" (proto3 defaults); other fields are refused when rules compile. */
export function requestMap(info: RequestInfo): CelMap {
  return celMap(
    new Map<string, CelInput>([
      ['modifiedFields', celList([...(info.modifiedFields ?? [])])],
      ['time', timestampFromMs(info.time)],
      ['ip', info.ip ?? ''],
      ['origin', info.origin ?? ''],
    ]),
  );
}

/**
 * What `rateLimit.<bucket>.limit(key, n)` calls: the app's limiter with the bucket's config. The first
 * refusal is kept, because CEL turns a function's exception into an error value that `||` may absorb,
 * while Instant's `limit` always fails the request (exception.clj `throw-permission-evaluation-failed!`
 * rethrows `rate-limited`).
 */
export class RateLimitScope {
  refused: unknown = undefined;

  constructor(readonly consume: (bucket: string, key: Json, tokens: number) => void) {}
}

/** `rateLimit`: every bucket named in `$rateLimits` (rule validation rejects other names). */
export function rateLimitMap(scope?: RateLimitScope): CelMap {
  return new BucketMap(scope).cel();
}

class BucketMap extends RuleMap {
  constructor(private readonly scope?: RateLimitScope) {
    super(null);
  }
  override get(key: unknown): CelInput {
    return new BucketRef(String(key), this.scope).cel();
  }
}

/** One bucket as rules see it; `limit` takes tokens (without a scope, as in compile checks, it passes). */
export class BucketRef extends RuleMap {
  constructor(
    readonly bucket: string,
    private readonly scope?: RateLimitScope,
  ) {
    super({ bucket });
  }

  limit(key: unknown, tokens: bigint | number = 1): boolean {
    if (!this.scope) return true;
    try {
      this.scope.consume(this.bucket, jsonValue(key), Number(tokens));
    } catch (e) {
      if (e instanceof InstantError) this.scope.refused ??= e;
      throw e;
    }
    return true;
  }
}

/**
 * `data.ref('link.link.attr')`: the values of `attr` on every entity reached from `eid` through the links
 * (forward or reverse labels, like where paths). The last segment may also be a link (its ids) or `id`.
 */
export function refValues(reader: QueryReader, etype: string, eid: string, path: string): Json[] {
  const labels = path.split('.');
  const valueLabel = labels.pop()!;
  let ids = [eid];
  let current = etype;
  for (const label of labels) {
    const hop = link(reader, current, label, path);
    ids = ids.flatMap((id) => reader.linked(id, hop.attr, hop.forward));
    current = hop.target;
  }
  const fwd = reader.attrs.fwd(current, valueLabel);
  if (fwd?.valueType === 'blob') return ids.flatMap((id) => reader.values(id, fwd));
  const hop = link(reader, current, valueLabel, path);
  return ids.flatMap((id) => reader.linked(id, hop.attr, hop.forward));
}

function link(reader: QueryReader, etype: string, label: string, path: string): NonNullable<ReturnType<typeof resolveLink>> {
  let hop: ReturnType<typeof resolveLink>;
  try {
    hop = resolveLink(reader.attrs, etype, label);
  } catch {
    hop = undefined;
  }
  if (!hop) throw new Error(`ref('${path}'): \`${etype}\` has no attribute or link \`${label}\``);
  return hop;
}
