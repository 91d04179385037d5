import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { pictureOf } from '../graph/index.js';
import { compactHosts } from '../report/hosts.js';
import { K8sbmError } from '../source/errors.js';
import { packageRoot } from '../util/package-root.js';
import { parseExtraVars } from '../vars/extra.js';
import { asList, inventoryFrom, loaderFrom, modules, projectConfig, requireInventoryFor, type CommonArgs } from './common.js';
import { setupVault, vaultPasswordFlags, type VaultArgs } from './vault.js';

type GraphArgs = CommonArgs & VaultArgs & { playbook?: string; output?: string; format?: 'svg' | 'png'; 'extra-vars'?: string | string[] };

/**
 * `k8sbm graph -i INV [PLAYBOOK] [-o FILE.svg|FILE.png]`: the cluster the inventory describes,
 * drawn (src/graph/), with the design checks of the playbook (the shipped site.yml unless one is
 * named) run on the controller and marked on the picture. Nothing connects to any host.
 */
export function graphCommand(set: (code: number) => void): CommandModule {
  return {
    command: 'graph [playbook]',
    describe: 'draw the cluster the inventory describes (SVG or PNG), with the design checks\' findings marked',
    builder: (y: Argv) => vaultPasswordFlags(y)
      .positional('playbook', { type: 'string', describe: 'playbook whose design checks are run (default: the shipped playbooks/site.yml)' })
      .option('inventory', { alias: 'i', type: 'string', describe: 'inventory file or directory (repeatable)' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the picture to this file (.svg or .png); default: SVG on stdout' })
      .option('format', { choices: ['svg', 'png'] as const, describe: 'svg or png (default: from the file name)' })
      .option('extra-vars', { alias: 'e', type: 'string', describe: 'extra variables: k=v, JSON/YAML, or @file' })
      .option('roles-path', { type: 'string', describe: 'extra directories to find roles in' }),
    handler: async (a) => set(await runGraph(a as unknown as GraphArgs)),
  };
}

async function runGraph(args: GraphArgs): Promise<number> {
  const cfg = projectConfig();
  await setupVault(args, cfg);
  const inventory = await inventoryFrom(args, cfg);
  const format = args.format ?? (args.output && extname(args.output).toLowerCase() === '.png' ? 'png' : 'svg');
  if (args.output && format === 'svg' && extname(args.output).toLowerCase() !== '.svg') {
    throw new K8sbmError('K8SBM_USAGE', `-o ${args.output}: the picture is SVG or PNG`, { hint: 'name the file .svg or .png, or give --format' });
  }
  if (format === 'png' && !args.output) {
    throw new K8sbmError('K8SBM_USAGE', 'a PNG picture needs a file', { hint: 'give -o FILE.png' });
  }
  requireInventoryFor(inventory, 'all', [...inventory.hosts.keys()], { lab: false });
  const root = packageRoot();
  // The shipped roles come last: a project's own role of the same name wins.
  const loader = loaderFrom(args, cfg, [join(root, 'roles')]);
  const playbook = loader.loadPlaybook(args.playbook ?? join(root, 'playbooks', 'site.yml'));
  const { graph, svg } = await pictureOf(playbook, { inventory, loader, modules, extraVars: parseExtraVars(asList(args['extra-vars'])) });
  if (!args.output) process.stdout.write(svg);
  else if (format === 'svg') writeFileSync(args.output, svg);
  else writeFileSync(args.output, await svgToPng(svg));
  for (const f of graph.findings) process.stderr.write(`[${f.level === 'error' ? 'DESIGN ERROR' : 'WARNING'}]: ${compactHosts(f.hosts)}: ${f.msg} (${f.at}); ${f.hint}\n`);
  if (args.output) {
    const errors = graph.findings.filter((f) => f.level === 'error').length;
    const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
    process.stderr.write(`${args.output}: ${n(graph.hosts.length, 'host')}, ${n(errors, 'design error')} and ${n(graph.findings.length - errors, 'warning')} drawn\n`);
  }
  return 0;
}

/** PNG through librsvg's rsvg-convert (Debian: librsvg2-bin), given the SVG on stdin. */
function svgToPng(svg: string): Promise<Buffer> {
  return new Promise((done, fail) => {
    const p = spawn('rsvg-convert', ['--format', 'png', '--background-color', 'white'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', (e: NodeJS.ErrnoException) => fail(e.code === 'ENOENT'
      ? new K8sbmError('K8SBM_PNG_TOOL_MISSING', 'rsvg-convert is not installed: it turns the SVG into PNG', { hint: 'install librsvg2-bin (apt-get install librsvg2-bin), or write an .svg' })
      : e));
    p.on('close', (code) => {
      if (code === 0) done(Buffer.concat(out));
      else fail(new K8sbmError('K8SBM_PNG_FAILED', `rsvg-convert failed (exit ${code}): ${Buffer.concat(err).toString('utf8').trim().slice(0, 500)}`, { hint: 'write an .svg instead, and report this with the SVG' }));
    });
    p.stdin.on('error', () => undefined);
    p.stdin.end(svg);
  });
}
