// `instant-codegen doctor`: the schema file, the rules file, the generated client and a live app, side by side.

import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, mergeOptions } from '../config/loadConfig.js';
import { generate } from '../generate.js';
import { SchemaError } from '../ir/SchemaError.js';
import type { SchemaIR } from '../ir/types.js';
import { findSchemaFile } from '../schema/findSchemaFile.js';
import type { LoadedSchema } from '../schema/loadSchema.js';
import { compareAttrs } from './compare.js';
import { readLiveApp, type LiveTarget } from './live.js';
import { differenceLines, formatReport, type Section } from './report.js';
import { readManifest } from '../write/manifest.js';
import { maskToken } from '../util/maskToken.js';

export interface DoctorOptions extends LiveTarget {
  schema?: string;
  perms?: string;
  out?: string;
  config?: string;
  cwd?: string;
}

export interface DoctorResult {
  code: 0 | 1;
  text: string;
}

/** Never throws for the user's input: everything becomes a line of the report. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorResult> {
  const cwd = options.cwd ?? process.cwd();
  const sections: Section[] = [];
  const masked = maskToken(options.adminToken);
  let schemaFile: string | undefined;
  let ir: SchemaIR | undefined;
  let loaded: LoadedSchema | undefined;
  let settings: Awaited<ReturnType<typeof settingsFor>> | undefined;
  try {
    settings = await settingsFor(options, cwd);
    schemaFile = settings.schema ?? findSchemaFile(cwd);
    const { loadSchema } = await import('../schema/loadSchema.js');
    loaded = await loadSchema(schemaFile);
    ir = loaded.ir;
    sections.push({ title: `schema ${rel(cwd, schemaFile)}`, notes: [`${ir.entities.length} entities, ${ir.links.length} links`], problems: [] });
  } catch (error) {
    sections.push({ title: `schema${schemaFile ? ` ${rel(cwd, schemaFile)}` : ''}`, notes: [], problems: [errorText(error, cwd)] });
  }
  if (schemaFile && ir && settings) {
    sections.push(await rulesSection(schemaFile, options.perms, cwd));
    sections.push(await generatedSection(schemaFile, loaded, settings, cwd));
  }
  sections.push(await liveSection(options, ir, masked));
  const { text, ok } = formatReport(sections);
  return { code: ok ? 0 : 1, text };
}

async function settingsFor(options: DoctorOptions, cwd: string) {
  const flags = { schema: options.schema && path.resolve(cwd, options.schema), out: options.out && path.resolve(cwd, options.out) };
  return mergeOptions(await loadConfig(cwd, options.config), flags);
}

async function rulesSection(schemaFile: string, given: string | undefined, cwd: string): Promise<Section> {
  const notLive = 'not compared with the live app (the admin API does not expose them)';
  try {
    const [{ findPermsFile, loadPerms }, { ruleValidationIssues }] = await Promise.all([import('../schema/loadPerms.js'), import('../server/permissions/rules.js')]);
    const file = findPermsFile(schemaFile, given, cwd);
    if (!file) return { title: 'rules', notes: ['no instant.perms.ts found (everything is allowed)', notLive], problems: [] };
    await loadPerms(file, ruleValidationIssues);
    return { title: `rules ${rel(cwd, file)}`, notes: ['valid', notLive], problems: [] };
  } catch (error) {
    return { title: 'rules', notes: [notLive], problems: [errorText(error, cwd)] };
  }
}

/** The generator's own `--check`, which writes nothing. */
async function generatedSection(schemaFile: string, loadedSchema: LoadedSchema | undefined, settings: Awaited<ReturnType<typeof settingsFor>>, cwd: string): Promise<Section> {
  const outDir = path.resolve(settings.out ?? path.join(path.dirname(schemaFile), 'instant.gen'));
  const title = `generated client ${rel(cwd, outDir)}`;
  if (!fs.existsSync(outDir)) return { title, notes: [], problems: ['not generated yet: run `instant-codegen generate`'] };
  try {
    // The options it was generated with (flags leave no trace in a config), unless the config sets them.
    const recorded = readManifest(outDir)?.settings;
    const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    const result = await generate({ ...recorded, ...given, schemaFile, outDir, check: true, loadedSchema });
    if (!result.stale) return { title, notes: ['up to date'], problems: [] };
    const files = [...new Set([...result.diff!.matchAll(/^\+\+\+ b\/(\S+)/gm)].map((m) => m[1]))];
    return { title, notes: [], problems: [`stale (${files.join(', ')} would change): run \`instant-codegen generate\``] };
  } catch (error) {
    return { title, notes: [], problems: [errorText(error, cwd)] };
  }
}

async function liveSection(target: LiveTarget, ir: SchemaIR | undefined, masked: string): Promise<Section> {
  const title = `live app ${target.appId} at ${target.apiUri} (admin token ${masked})`;
  const live = await readLiveApp(target, masked);
  if (!live.ok) return { title, notes: [], problems: [live.problem] };
  const notes = [`/health/system: ${live.health}`];
  const healthProblems = live.health === 'ok' ? [] : [`/health/system answered ${live.health}`];
  if (!ir) return { title, notes: [...notes, 'attributes not compared (the schema file did not load)'], problems: healthProblems };
  const diffs = compareAttrs(ir, live.attrs);
  if (!diffs.length) notes.push(`attributes, indexes, uniqueness and links match (${live.attrs.length} live attrs)`);
  return { title, notes, problems: [...healthProblems, ...differenceLines(diffs)] };
}

function rel(cwd: string, file: string): string {
  return path.relative(cwd, file) || '.';
}

function errorText(error: unknown, cwd: string): string {
  if (error instanceof SchemaError) return error.format(cwd);
  return error instanceof Error ? error.message : String(error);
}
