// System namespaces of Instant's catalog. Only $users, $files and $streams can be extended by users.
export const EDITABLE_SYSTEM_NAMESPACES = ['$users', '$files', '$streams'] as const;

export function isSystemNamespace(name: string): boolean {
  return name.startsWith('$');
}
