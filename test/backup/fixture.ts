// A small Instant backup built from the documented format (instantdb/instant client/www/app/docs/backups/page.md,
// server/src/instant/backup.clj): several namespaces, has-one and has-many links, $users, $files with real
// bytes (binary and unicode), unicode values, and config.json's counts.

import type { BackupSpec } from '../support/backupZip.js';

export const U1 = '81d4e04d-4057-4fc0-92f7-d99618fd540a';
export const U2 = '0e212052-a4ba-4d3c-a679-3812ba22cde2';
export const A1 = '1c774801-bdb5-459b-bb04-07f7964a7e77';
export const A2 = '3f2ad28e-440e-493b-a855-d43fa69566ed';
export const P = ['7fb5ad99-444a-4964-ba08-a0b4deaa075f', 'a78ef0fd-9a81-4e1c-be10-5ad02ac8ebd8', 'fbb51c31-d9fe-4766-8a1b-e04da170bba7'];
export const F1 = 'fd3a3356-f8d6-46cc-b56f-d3f470b44fbc';
export const F2 = 'fda17e15-ba53-4a9e-9e9e-75e25c031191';
export const L1 = '30b051b6-cc5d-41ce-8538-8302d6fa2695';
export const L2 = '770755e9-5cf0-41d2-b1cc-6552255d2ba3';

export const PNG = Buffer.from(Array.from({ length: 3000 }, (_, k) => (k * 37) % 256));
export const TEXT = Buffer.from('Grüße aus 北京 😀\n'.repeat(50), 'utf8');

const attr = (valueType: string, unique = false, indexed = false, required?: boolean) => ({ valueType, config: { unique, indexed }, ...(required ? { required } : {}) });

export const schemaDefs = {
  entities: {
    $users: { attrs: { email: attr('string', true, true), type: attr('string') } },
    $files: { attrs: { path: attr('string', true, true, true), url: attr('string', false, false, true) } },
    authors: { attrs: { name: attr('string', true, true, true), bio: attr('any'), joined: attr('date', false, true) } },
    posts: { attrs: { title: attr('string', false, true, true), stars: attr('number', false, true), meta: attr('any'), draft: attr('boolean') } },
  },
  links: {
    postsAuthor: { forward: { on: 'posts', label: 'author', has: 'one' }, reverse: { on: 'authors', label: 'posts', has: 'many' } },
    authorsAvatar: { forward: { on: 'authors', label: 'avatar', has: 'one' }, reverse: { on: '$files', label: 'author', has: 'one' } },
    authorsUser: { forward: { on: 'authors', label: 'user', has: 'one' }, reverse: { on: '$users', label: 'author', has: 'one' } },
    postsTags: { forward: { on: 'posts', label: 'related', has: 'many' }, reverse: { on: 'posts', label: 'relatedBy', has: 'many' } },
  },
};

export const rules = { posts: { allow: { view: 'true', create: 'auth.id != null' } } };

export function backupSpec(): BackupSpec {
  const t = 1772650963417;
  return {
    config: {
      counts: { $files: 2, $users: 2, authors: 2, posts: 3 },
      tripleCount: 0,
      schema: schemaDefs,
      rules,
      webhooks: [],
      emailTemplates: [],
      title: 'blog',
    },
    entities: {
      $users: [
        { entity: { email: 'dww@instantdb.com', id: U1, type: 'user' }, createdAt: t },
        { entity: { id: U2, type: 'guest' }, createdAt: t + 1 },
      ],
      $files: [
        { entity: { size: PNG.length, 'location-id': L1, path: 'profile.png', 'content-type': 'image/png', id: F1 }, createdAt: t + 2 },
        { entity: { size: TEXT.length, 'location-id': L2, path: 'notes/grüße 北京.txt', 'content-type': 'text/plain; charset=utf-8', id: F2 }, createdAt: t + 3 },
      ],
      authors: [
        { entity: { id: A1, name: 'Zoë 😀 北京', bio: { langs: ['de', 'zh'], born: null }, joined: '2021-01-07T18:50:43.447Z', avatar: F1, user: U1 }, createdAt: t + 4 },
        { entity: { id: A2, name: 'Ada', bio: null, joined: null }, createdAt: t + 5 },
      ],
      posts: [
        { entity: { id: P[0], title: 'Hello, wörld', stars: 5, meta: { tags: { a: 1 } }, draft: false, author: A1, related: [P[1], P[2]] }, createdAt: t + 6 },
        { entity: { id: P[1], title: '"quoted" \\ back\u2028slash', stars: 3, author: A1 }, createdAt: t + 7 },
        { entity: { id: P[2], title: 'Third', stars: null, author: A2, related: [P[0]] }, createdAt: t + 8 },
      ],
    },
    files: { [L1]: PNG, [L2]: TEXT },
  };
}
