/**
 * `npm run docs`: rewrites the generated parts of docs/ (between their markers): the module
 * reference in docs/modules.md from the module registry, the command reference in docs/cli.md
 * from the CLI's own help, the role variables in docs/role-variables.md from the roles' argument specs, the filters, tests and lookups in docs/language.md from their registries. Run it after changing a module's schema or doc, or a command.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CLI_BEGIN, CLI_END, helpFromCli, renderCliReference } from './cli.js';
import { MODULES_BEGIN, MODULES_END, renderModuleReference, replaceMarkedSection } from './modules.js';
import { LANGUAGE_BEGIN, LANGUAGE_END, renderLanguageReference } from './language.js';
import { modules } from '../modules/index.js';
import { ROLES_BEGIN, ROLES_END, renderRoleVariables } from './roles.js';

const docsFile = (name: string): string => fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url));
const repoFile = (name: string): string => fileURLToPath(new URL(`../../../${name}`, import.meta.url));

function rewrite(name: string, body: string, markers: { begin: string; end: string }, what: string): void {
  const file = docsFile(name);
  const before = readFileSync(file, 'utf8');
  const after = replaceMarkedSection(before, body, markers);
  if (after === before) console.log(`docs/${name}: ${what} is up to date`);
  else {
    writeFileSync(file, after);
    console.log(`docs/${name}: ${what} rewritten`);
  }
}

const count = Object.keys(modules).length;
rewrite('modules.md', renderModuleReference(modules), { begin: MODULES_BEGIN, end: MODULES_END }, `the module reference (${count} modules)`);
rewrite('language.md', renderLanguageReference(), { begin: LANGUAGE_BEGIN, end: LANGUAGE_END }, 'the expression language reference');
rewrite('cli.md', renderCliReference(helpFromCli()), { begin: CLI_BEGIN, end: CLI_END }, 'the command reference');
rewrite('role-variables.md', renderRoleVariables(repoFile('roles'), repoFile('inventories/example'), repoFile('docs')), { begin: ROLES_BEGIN, end: ROLES_END }, 'the role variable reference');

const undocumented = Object.values(modules).filter((m) => m.doc === undefined).map((m) => m.name);
if (undocumented.length) console.log(`modules without a doc field (the docs test fails): ${undocumented.join(', ')}`);

// The example inventory's picture, shown in docs/graph.md.
const { exampleClusterSvg } = await import('./graph.js');
const svgFile = docsFile('images/example-cluster.svg');
const svg = await exampleClusterSvg(repoFile('.'));
let old = '';
try { old = readFileSync(svgFile, 'utf8'); } catch { /* first time */ }
if (old === svg) console.log('docs/images/example-cluster.svg: up to date');
else {
  writeFileSync(svgFile, svg);
  console.log('docs/images/example-cluster.svg: redrawn');
}
