import type { GateStop, HostCounts, RecapEvent } from './events.js';
import type { ChalkInstance } from './color.js';
import { banner, formatDuration, formatPlace } from './format.js';

/** Ansible pads host names to 26 columns; longer names widen the column for every host. */
const HOST_COLUMN = 26;
const SLOWEST_SHOWN = 5;

type CountKey = keyof HostCounts;

/** Recap order and colours, as Ansible prints them. */
const COUNT_FIELDS: readonly { key: CountKey; label: string; paint: (c: ChalkInstance, s: string) => string }[] = [
  { key: 'ok', label: 'ok', paint: (c, s) => c.green(s) },
  { key: 'changed', label: 'changed', paint: (c, s) => c.yellow(s) },
  { key: 'unreachable', label: 'unreachable', paint: (c, s) => c.red.bold(s) },
  { key: 'failed', label: 'failed', paint: (c, s) => c.red(s) },
  { key: 'skipped', label: 'skipped', paint: (c, s) => c.cyan(s) },
  { key: 'rescued', label: 'rescued', paint: (c, s) => c.green(s) },
  { key: 'ignored', label: 'ignored', paint: (c, s) => c.magenta(s) },
];

/** The lines printed after a run: counts per host, failures, slowest tasks, total time. */
export function renderRecap(e: RecapEvent, chalk: ChalkInstance, width: number): string[] {
  const lines: string[] = ['', banner('PLAY RECAP', width)];
  const hosts = Object.keys(e.hosts).sort(compareHostNames);
  const column = Math.max(HOST_COLUMN, ...hosts.map((h) => h.length));
  for (const host of hosts) lines.push(recapLine(host, e.hosts[host]!, column, chalk));

  if (e.failures.length > 0) {
    lines.push('', chalk.red.bold('FAILURES'));
    for (const f of e.failures) {
      lines.push(chalk.red(`  ${formatPlace(f.file, f.line)}  [${f.host}]  ${f.task}`));
      for (const m of f.msg.split('\n')) lines.push(chalk.red(`      ${m}`));
    }
  }

  if (e.stopped) lines.push('', ...renderStop(e.stopped, chalk));

  const slowest = [...e.slowest].sort((a, b) => b.durationMs - a.durationMs).slice(0, SLOWEST_SHOWN);
  if (slowest.length > 0) {
    lines.push('', 'SLOWEST TASKS');
    const times = slowest.map((s) => formatDuration(s.durationMs));
    const timeWidth = Math.max(...times.map((t) => t.length));
    slowest.forEach((s, i) => {
      lines.push(`  ${times[i]!.padStart(timeWidth)}  ${s.task}  ${chalk.dim(formatPlace(s.file, s.line))}`);
    });
  }

  lines.push('', `Total time: ${formatDuration(e.durationMs)}`);
  if (e.check) lines.push(chalk.cyan('(check mode: nothing was changed)'));
  return lines;
}

/** Which batch, which gate, on which host and why a rollout stopped, and the hosts it left alone. */
export function renderStop(s: GateStop, chalk: ChalkInstance): string[] {
  const on = s.delegatedTo !== undefined && s.delegatedTo !== s.host ? `${s.host} (checked on ${s.delegatedTo})` : s.host;
  return [
    chalk.red.bold(`ROLLOUT STOPPED ${s.phase} batch ${s.batch}/${s.batches} of play "${s.play}"`),
    chalk.red(`  gate "${s.name}" (${formatPlace(s.file, s.line)}) failed on ${on}${s.code ? `  ${s.code}` : ''}`),
    ...s.msg.split('\n').map((m) => chalk.red(`      ${m}`)),
    s.untouched.length ? `  not started on: ${s.untouched.join(', ')}` : '  no batch was left to start',
  ];
}

/** `node1                      : ok=3    changed=1    unreachable=0 ...` with Ansible's spacing. */
export function recapLine(host: string, counts: HostCounts, column: number, chalk: ChalkInstance): string {
  const hostPaint = counts.failed > 0 || counts.unreachable > 0 ? chalk.red : counts.changed > 0 ? chalk.yellow : chalk.green;
  const fields = COUNT_FIELDS.map(({ key, label, paint }) => {
    const n = counts[key];
    const text = `${label}=${n}`;
    // Pad outside the colour so the trailing padding of the last field can be trimmed.
    const pad = ' '.repeat(Math.max(0, 4 - String(n).length));
    return (n > 0 ? paint(chalk, text) : text) + pad;
  });
  return `${hostPaint(host.padEnd(column))} : ${fields.join(' ')}`.trimEnd();
}

/** node2 before node10: inventories number their hosts. */
export function compareHostNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
