// A fixed collator so that sorting never depends on the machine's locale.
const collator = new Intl.Collator('en-US', { sensitivity: 'variant', numeric: false });

export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function sortBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => compareNames(key(a), key(b)));
}
