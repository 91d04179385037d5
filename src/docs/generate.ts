/**
 * `npm run docs`: rewrites the module reference in README.md (between the module markers) from
 * the registry. Run from the repository root (npm does that), or give the README's path.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderModuleReference, replaceMarkedSection } from './modules.js';
import { modules } from '../modules/index.js';

const readmePath = resolve(process.argv[2] ?? 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = replaceMarkedSection(before, renderModuleReference(modules));
const count = Object.keys(modules).length;
const undocumented = Object.values(modules).filter((m) => m.doc === undefined).map((m) => m.name);
if (after === before) {
  console.log(`${readmePath}: the module reference (${count} modules) is up to date`);
} else {
  writeFileSync(readmePath, after);
  console.log(`${readmePath}: module reference rewritten (${count} modules)`);
}
if (undocumented.length) console.log(`modules without a doc field (the docs test fails): ${undocumented.join(', ')}`);
