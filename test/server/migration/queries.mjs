// Queries whose answers the storage-version-1 server recorded (make-v1-fixture.mjs).
export const QUERIES = [
  { goals: { todos: {} } },
  { todos: { $: { order: { createdAt: 'desc' }, limit: 5 } } },
  { goals: { $: { where: { priority: 1 } }, owner: {} } },
  { todos: { $: { where: { 'goal.title': 'goal 2' } } } },
  { todos: { $: { where: { title: { $like: 'todo 4%' } } } } },
  { goals: { $: { where: { dueDate: { $gt: '2025-02-01T00:00:00Z' } }, order: { dueDate: 'asc' } } } },
  { goals: { $: { where: { 'owner.email': 'ada@example.com' }, order: { priority: 'desc' }, limit: 2 } } },
  { $users: { goals: {} } },
];
