// How a secret is shown to a person: its first and last four characters, never the whole of it.

export function maskToken(token: string): string {
  return token.length <= 8 ? '…' : `${token.slice(0, 4)}…${token.slice(-4)}`;
}
