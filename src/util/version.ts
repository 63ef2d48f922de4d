import fs from 'node:fs';

/** This package's version, from its package.json (src/ and dist/ are both one level below it). */
export const TOOL_VERSION: string = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
