/**
 * Reading what the tools and the nodes print: Ansible's PLAY RECAP, k8sbm's JSON recap, the
 * sessions a node's sshd logged (LogLevel VERBOSE), GNU time's line and /proc/PID/stat.
 */

export interface RecapCounts {
  readonly ok: number;
  readonly changed: number;
  readonly unreachable: number;
  readonly failed: number;
  readonly skipped: number;
  readonly rescued: number;
  readonly ignored: number;
}

const COUNT_KEYS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const;

/**
 * Ansible's default callback ends with
 *   PLAY RECAP ****
 *   node01   : ok=29   changed=28   unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
 * Hosts whose line lacks a key get 0 for it; a missing recap is an error (the run did not finish).
 */
export function parseAnsibleRecap(output: string): Record<string, RecapCounts> {
  const lines = output.split(/\r?\n/);
  let start = -1;
  for (let i = lines.length - 1; i >= 0 && start < 0; i--) if (/^PLAY RECAP\b/.test(lines[i]!)) start = i;
  if (start < 0) throw new Error('no PLAY RECAP in the output of ansible-playbook');
  const hosts: Record<string, RecapCounts> = {};
  for (const line of lines.slice(start + 1)) {
    const m = /^(\S+)\s+:\s+(\S+=\d+(?:\s+\S+=\d+)*)\s*$/.exec(line);
    if (!m) {
      if (line.trim() === '') continue;
      break;
    }
    const pairs = new Map(m[2]!.split(/\s+/).map((kv) => {
      const [k, v] = kv.split('=');
      return [k!, Number(v)] as const;
    }));
    hosts[m[1]!] = Object.fromEntries(COUNT_KEYS.map((k) => [k, pairs.get(k) ?? 0])) as unknown as RecapCounts;
  }
  if (Object.keys(hosts).length === 0) throw new Error('PLAY RECAP of ansible-playbook lists no host');
  return hosts;
}

export interface K8sbmRecap {
  readonly hosts: Readonly<Record<string, RecapCounts>>;
  /** Execs (round trips) k8sbm sent to each host, as it counts them. */
  readonly execs: Readonly<Record<string, number>>;
  readonly durationMs: number;
}

/** The `recap` event of `k8sbm run --json` (newline-delimited JSON events; the recap is last). */
export function parseK8sbmRecap(ndjson: string): K8sbmRecap {
  const lines = ndjson.split('\n').filter((l) => l.trim() !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    let e: unknown;
    try { e = JSON.parse(lines[i]!); } catch { continue; }
    if (!isRecord(e) || e.event !== 'recap') continue;
    const hosts = isRecord(e.hosts) ? e.hosts : {};
    const out: Record<string, RecapCounts> = {};
    for (const [h, c] of Object.entries(hosts)) {
      const counts = isRecord(c) ? c : {};
      out[h] = Object.fromEntries(COUNT_KEYS.map((k) => [k, typeof counts[k] === 'number' ? counts[k] : 0])) as unknown as RecapCounts;
    }
    const execs = isRecord(e.execs) ? Object.fromEntries(Object.entries(e.execs).filter((kv): kv is [string, number] => typeof kv[1] === 'number')) : {};
    return { hosts: out, execs, durationMs: typeof e.durationMs === 'number' ? e.durationMs : NaN };
  }
  throw new Error('no recap event in the JSON output of k8sbm');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface SshdSessionCounts {
  /** Authenticated connections ("Accepted publickey for ..."). */
  readonly connections: number;
  /** Every session sshd started: commands + subsystems + shells. */
  readonly sessions: number;
  /** exec requests: one process started on the node per command. */
  readonly commands: number;
  /** subsystem requests (sftp: Ansible's file transfers). */
  readonly subsystems: number;
  readonly shells: number;
}

/**
 * Counts what a node's sshd logged at LogLevel VERBOSE: each channel session it starts is one
 * "Starting session: command|subsystem 'sftp'|shell ... for USER from ADDR port P id N" line,
 * whether it came over its own connection or over a multiplexed (ControlMaster) one.
 */
export function countSshdSessions(log: string): SshdSessionCounts {
  let connections = 0;
  let commands = 0;
  let subsystems = 0;
  let shells = 0;
  for (const line of log.split('\n')) {
    if (/\bAccepted publickey for \S+ from /.test(line)) connections++;
    const m = /\bStarting session: (command|forced-command|subsystem|shell)\b/.exec(line);
    if (!m) continue;
    if (m[1] === 'subsystem') subsystems++;
    else if (m[1] === 'shell') shells++;
    else commands++;
  }
  return { connections, sessions: commands + subsystems + shells, commands, subsystems, shells };
}

export interface TimeResult {
  readonly wallS: number;
  /** ru_maxrss of the waited-for child as wait4 reports it (KiB). */
  readonly maxRssKb: number;
  readonly userS: number;
  readonly sysS: number;
}

/** The marker starts the format line, so "Command exited with non-zero status" lines around it do not matter. */
export const TIME_MARKER = 'k8sbm-bench-time';
export const TIME_FORMAT = `${TIME_MARKER} %e %M %U %S`;

/** The line GNU time writes with `-f TIME_FORMAT`. */
export function parseTimeOutput(text: string): TimeResult {
  const line = text.split('\n').find((l) => l.startsWith(`${TIME_MARKER} `));
  if (!line) throw new Error(`no "${TIME_MARKER}" line in the output of time: ${JSON.stringify(text.slice(0, 200))}`);
  const [wall, rss, user, sys] = line.slice(TIME_MARKER.length + 1).trim().split(/\s+/).map(Number);
  if ([wall, rss, user, sys].some((n) => n === undefined || !Number.isFinite(n))) throw new Error(`unreadable time line: ${line}`);
  return { wallS: wall!, maxRssKb: rss!, userS: user!, sysS: sys! };
}

/**
 * CPU clock ticks of a process and of its reaped descendants (utime, stime, cutime, cstime:
 * fields 14-17 of /proc/PID/stat). A node's sshd reaps every per-connection sshd, and they reap
 * the commands they ran, so the difference over a phase is the node-side CPU of that phase.
 */
export function parseProcStatCpuTicks(stat: string): { self: number; children: number } {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error('not a /proc/PID/stat line');
  // After ") " come field 3 (state) onwards: utime is field 14, i.e. index 11 here.
  const f = stat.slice(close + 2).trim().split(/\s+/).map(Number);
  const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]];
  if ([utime, stime, cutime, cstime].some((n) => n === undefined || !Number.isFinite(n))) throw new Error('short /proc/PID/stat line');
  return { self: utime! + stime!, children: cutime! + cstime! };
}

/**
 * The machine's CPU time from the first line of /proc/stat, in clock ticks: busy is everything
 * but idle and iowait (steal is time the hypervisor took, counted as busy: it was not ours).
 */
export function parseProcStatTotals(stat: string): { busy: number; total: number } {
  const line = stat.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) throw new Error('no cpu line in /proc/stat');
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // guest and guest_nice (fields 9 and 10) are already inside user and nice.
  const total = f.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

export interface PyinfraRecap {
  /** `run`: operations were executed (`-y`); `dry`: only the changes pyinfra detected (`--dry`). */
  readonly mode: 'run' | 'dry';
  /**
   * Per host: ok = operations that succeeded (changed or not), changed = operations that
   * executed commands ("Success"), failed, unreachable (could not connect). In a dry run only
   * `changed` is known per host (from the "Detected changes" table).
   */
  readonly hosts: Readonly<Record<string, RecapCounts>>;
  /** Operations listed in pyinfra's table (results or detected changes). */
  readonly operations: number;
  /**
   * Changes and errors the tables count but do not name a host for: a dry run's host lists are
   * cut at 48 characters ("7 (node01, node02, ..., node0...)"), and a host that failed counts
   * as an error in every later operation without a line of its own.
   */
  readonly unattributedChanges: number;
  readonly unattributedErrors: number;
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** `    [node01] Success` (the host name is padded to the longest when names differ in length). */
const HOST_LINE = /^\s*\[([^\]\s]+)\]\s+(.*?)\s*$/;

/** Rows of one of pyinfra's tables: cells are separated by at least 4 spaces (print_rows pads to width + 4). */
function tableRows(lines: readonly string[], headerAt: number): string[][] {
  const rows: string[][] = [];
  for (const line of lines.slice(headerAt + 1)) {
    if (line.trim() === '' || line.startsWith('-->')) break;
    rows.push(line.trim().split(/ {2,}/));
  }
  return rows;
}

/** "-" is 0; "7 (node01, node02, node0...)" is 7 changes and the hosts named in full. */
function changeCell(cell: string, what: string): { count: number; hosts: string[] } {
  if (cell === '-') return { count: 0, hosts: [] };
  const m = /^(\d+) \((.*)\)$/.exec(cell);
  if (!m) throw new Error(`unreadable ${what} cell in pyinfra's detected changes: ${JSON.stringify(cell)}`);
  const names = m[2]!.split(', ');
  if (names[names.length - 1]!.endsWith('...')) names.pop();
  return { count: Number(m[1]), hosts: names };
}

const cellCount = (cell: string | undefined): number => (cell === undefined || cell === '-' ? 0 : Number(cell));

/**
 * pyinfra 3's log (it writes everything to stderr):
 *
 *   --> Connecting to hosts...
 *       [node01] Connected                               (or "[node01] Could not connect (...)")
 *   --> Beginning operation run...                       (a real run, `-y`)
 *   --> Starting operation: network sysctls
 *       [node01] Success                                 (commands executed: a change)
 *       [node02] No changes
 *       [node02] Error: executed 0 commands              (the host stops there)
 *   --> Results:
 *       Operation       Hosts   Success   Error   No Change
 *       network sysctls 2       1         -       1
 *
 * and for `--dry`, instead of the run and the results, "--> Detected changes:" with a table of
 * Operation, Change and Conditional Change ("-" or "N (host, host, ...)"). The per-host lines of
 * a run are checked against its results table, so a line the reader missed is an error, not a
 * change that goes unnoticed. Conditional changes count as changes.
 */
export function parsePyinfraOutput(output: string): PyinfraRecap {
  const lines = output.replace(ANSI, '').split(/\r?\n/);
  const counts = new Map<string, { ok: number; changed: number; unreachable: number; failed: number; ignored: number }>();
  const host = (name: string) => {
    let c = counts.get(name);
    if (!c) counts.set(name, c = { ok: 0, changed: 0, unreachable: 0, failed: 0, ignored: 0 });
    return c;
  };
  let stage: 'start' | 'connect' | 'prepare' | 'run' | 'after' = 'start';
  let runStarted = false;
  let resultsAt = -1;
  let changesAt = -1;
  lines.forEach((line, i) => {
    if (line.startsWith('-->')) {
      if (/^--> Connecting to hosts/.test(line)) stage = 'connect';
      else if (/^--> Preparing operations/i.test(line)) stage = 'prepare';
      else if (/^--> Beginning operation run/.test(line)) { stage = 'run'; runStarted = true; }
      else if (/^--> Results:/.test(line)) { stage = 'after'; resultsAt = i; }
      else if (/^--> Detected changes:/.test(line)) { stage = 'after'; changesAt = i; }
      return;
    }
    const m = HOST_LINE.exec(line);
    if (!m) return;
    const [, name, what] = m as unknown as [string, string, string];
    if (stage === 'connect') {
      if (what === 'Connected') host(name);
      else host(name).unreachable = 1;
    } else if (stage === 'run') {
      if (what === 'Success') { host(name).ok++; host(name).changed++; }
      else if (what === 'No changes') host(name).ok++;
      else if (/^Error \(ignored\b/.test(what)) host(name).ignored++;
      else if (/^Error\b/.test(what)) host(name).failed++;
    }
  });
  if (counts.size === 0) throw new Error('pyinfra connected to no host (no "[HOST] Connected" line)');
  const toCounts = () => Object.fromEntries([...counts].map(([h, c]) => [h, { ...c, skipped: 0, rescued: 0 }]));

  if (runStarted) {
    if (resultsAt < 0) throw new Error('no "--> Results:" table in the output of pyinfra: the run did not finish');
    const header = lines[resultsAt + 1] ?? '';
    if (!/^\s*Operation\s+Hosts\s+Success\s+Error\s+No Change\s*$/.test(header)) throw new Error(`unexpected header of pyinfra's results table: ${JSON.stringify(header.trim())}`);
    const rows = tableRows(lines, resultsAt + 1);
    let success = 0;
    let noChange = 0;
    let errors = 0;
    for (const row of rows) {
      if (row.length < 5) throw new Error(`unreadable row of pyinfra's results table: ${JSON.stringify(row.join('  '))}`);
      const [s, e, n] = row.slice(-3).map(cellCount) as [number, number, number];
      if ([s, e, n].some((x) => !Number.isInteger(x))) throw new Error(`unreadable row of pyinfra's results table: ${JSON.stringify(row.join('  '))}`);
      success += s;
      errors += e;
      noChange += n;
    }
    const list = [...counts.values()];
    const lineChanged = list.reduce((a, c) => a + c.changed, 0);
    const lineUnchanged = list.reduce((a, c) => a + c.ok - c.changed, 0);
    const lineErrors = list.reduce((a, c) => a + c.failed + c.ignored, 0);
    if (lineChanged !== success || lineUnchanged !== noChange) {
      throw new Error(`pyinfra's results table counts ${success} changed and ${noChange} unchanged host operations, its per-host lines ${lineChanged} and ${lineUnchanged}`);
    }
    return { mode: 'run', hosts: toCounts(), operations: rows.length, unattributedChanges: 0, unattributedErrors: Math.max(0, errors - lineErrors) };
  }

  if (changesAt < 0) {
    const unreachable = [...counts].filter(([, c]) => c.unreachable > 0).map(([h]) => h);
    if (unreachable.length) throw new Error(`pyinfra could not connect to ${unreachable.join(', ')}`);
    throw new Error('pyinfra neither ran operations nor listed detected changes (no "--> Beginning operation run" or "--> Detected changes:")');
  }
  const header = lines[changesAt + 1] ?? '';
  if (!/^\s*Operation\s+Change\s+Conditional Change\s*$/.test(header)) throw new Error(`unexpected header of pyinfra's detected changes: ${JSON.stringify(header.trim())}`);
  const rows = tableRows(lines, changesAt + 1);
  let unattributed = 0;
  for (const row of rows) {
    if (row.length < 3) throw new Error(`unreadable row of pyinfra's detected changes: ${JSON.stringify(row.join('  '))}`);
    for (const [cell, what] of [[row[row.length - 2]!, 'Change'], [row[row.length - 1]!, 'Conditional Change']] as const) {
      const c = changeCell(cell, what);
      for (const h of c.hosts) host(h).changed++;
      unattributed += c.count - c.hosts.length;
    }
  }
  return { mode: 'dry', hosts: toCounts(), operations: rows.length, unattributedChanges: unattributed, unattributedErrors: 0 };
}
