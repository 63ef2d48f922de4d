import type { AttrIR, SchemaIR } from '../ir/types.js';
import { attrDoc, inputType, resultType } from './attrTypes.js';
import { block } from './layout.js';
import { docText, optionalInput, propertyKey } from './names.js';

// The index's types for `db.auth` and `db.rooms`: the app user as auth returns it, the `extraFields` a signup
// may set, and each room type's presence data.

/** `$users` attrs of Instant's system catalog (system_catalog.clj): extra fields may not set them. */
const SYSTEM_USER_ATTRS = new Set(['id', 'email', 'imageURL', 'type']);

const doc = (text: string) => `/** ${docText(text)} */\n`;

function customUserAttrs(ir: SchemaIR): AttrIR[] {
  return ir.entities.find((e) => e.name === '$users')?.attrs.filter((a) => !SYSTEM_USER_ATTRS.has(a.name)) ?? [];
}

/** Auth answers carry raw JSON (never revived dates), and custom `$users` attrs are always optional. */
function userType(ir: SchemaIR): string {
  const own = customUserAttrs(ir).map((a) => `${doc(attrDoc(a))}${propertyKey(a.name)}?: ${optionalInput(a.name, `${resultType(a)} | null`)};`);
  return `${doc('An app user as `db.auth` returns it: the auth fields and the schema\'s own `$users` attributes.')}export interface User extends rt.UserFields ${block(own)}`;
}

function extraFieldsType(ir: SchemaIR): string {
  const own = customUserAttrs(ir);
  const text = 'What `extraFields` may set on a new user: the custom attributes of `$users` (the server refuses others).';
  if (own.length === 0) return `${doc(`${text} The schema declares none.`)}export type UserExtraFields = Record<string, never>;`;
  return `${doc(text)}export interface UserExtraFields ${block(own.map((a) => `${doc(attrDoc(a))}${propertyKey(a.name)}?: ${optionalInput(a.name, inputType(a))};`))}`;
}

/** As Instant's `PresenceOf` (schemaTypes.ts `MappedAttrs`): optional attrs are optional keys; dates as sent. */
function presenceType(attrs: AttrIR[]): string {
  return block(attrs.map((a) => (a.required ? `${propertyKey(a.name)}: ${resultType(a)};` : `${propertyKey(a.name)}?: ${optionalInput(a.name, resultType(a))};`)));
}

function roomTypes(ir: SchemaIR): string {
  const rooms = ir.rooms.map((r) => `${doc(`Room type \`${r.name}\`.`)}${propertyKey(r.name)}: ${presenceType(r.presence)};`);
  return `${doc('Each room type\'s presence data (the schema\'s `rooms`), for `db.rooms.getPresence(roomType, roomId)`.')}export interface RoomPresence ${block(rooms)}`;
}

export function authRoomTypes(ir: SchemaIR): string {
  return [userType(ir), extraFieldsType(ir), roomTypes(ir)].join('\n');
}

/** Type arguments these types repeat: the index must import the user types they name. */
export function authRoomTypeTexts(ir: SchemaIR): string[] {
  return [...customUserAttrs(ir), ...ir.rooms.flatMap((r) => r.presence)].map((a) => a.tsType ?? '');
}
