// Instant backups for the local server: import (restore) and export in Instant's zip format.

export { importBackup, type ImportBackupOptions, type ImportSummary } from './importBackup.js';
export { exportBackup, exportRemoteBackup, type ExportSummary, type ExportOptions } from './exportBackup.js';
export type { RemoteApp } from './remoteSource.js';
export type { BlobStore } from '../files/blobStore.js';
export { BackupError } from './errors.js';
export { parseConfig, defsToRuntimeSchema, type BackupConfig, type SchemaDefs } from './config.js';
export { readBackupConfig } from './readConfig.js';
export { schemaFileSource, permsFileSource } from './schemaSource.js';
export { terminalProgress, type BackupProgress } from './progress.js';
export { formatSummary } from './summary.js';
