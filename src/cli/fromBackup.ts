// `generate --from-backup backup.zip`: writes instant.schema.ts (and instant.perms.ts when the backup has
// rules) from the backup's config.json, for a team without its schema file; `generate` then runs on it.
// Files are written whole (temporary file, then rename) and never over an existing one.

import { existsSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './usageError.js';

export async function writeSchemaFromBackup(zip: string, schemaFile: string): Promise<{ schemaFile: string; permsFile?: string }> {
  const { readBackupConfig, schemaFileSource, permsFileSource } = await import('../server/backup/index.js');
  if (!existsSync(zip)) throw new UsageError(`--from-backup ${zip}: no such file. Pass the backup zip (from \`npx instant-cli backup download\`).`);
  const config = await readBackupConfig(zip);
  const permsFile = path.join(path.dirname(schemaFile), 'instant.perms.ts');
  const targets = [schemaFile, ...(config.rules ? [permsFile] : [])];
  for (const file of targets) {
    if (existsSync(file)) throw new UsageError(`--from-backup would overwrite ${file}. Move it away, or pass --schema with another path.`);
  }
  const from = path.basename(zip);
  writeWhole(schemaFile, schemaFileSource(config.schema, from));
  if (config.rules) writeWhole(permsFile, permsFileSource(config.rules, from));
  return { schemaFile, permsFile: config.rules ? permsFile : undefined };
}

function writeWhole(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
