import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { fileFact } from '../../facts/file.js';
import { packagesFact } from '../../facts/packages.js';
import { serviceFact, serviceKey, type ServiceState } from '../../facts/services.js';
import { systemdActions, type BootChange, type ServiceOp } from './service-systemd.js';
import { sysvActions } from './service-sysv.js';
import { assertNever } from '../../util/assert-never.js';
import { StringEnum } from '../../schema/formats.js';
import { defineModule, type ExecAction, type Plan, type PlanContext } from '../types.js';

const STATES = ['started', 'stopped', 'restarted', 'reloaded'] as const;
type ServiceStateParam = (typeof STATES)[number];

const schema = Type.Object({
  name: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9@._:+-]*$',
    description: 'The service: a systemd unit ("kubelet", "kubelet.service", "foo.socket") or a SysV script in /etc/init.d.',
    errorHint: 'a unit or init script name such as kubelet, kubelet.service or getty@tty1: no blanks, no path',
  }),
  state: Type.Optional(StringEnum(STATES, {
    description: 'started/stopped change only what differs; restarted and reloaded always act (a stopped service is started).',
  })),
  enabled: Type.Optional(Type.Boolean({ description: 'Start at boot (systemctl enable; update-rc.d or chkconfig for SysV scripts).' })),
  daemon_reload: Type.Optional(Type.Boolean({
    default: false,
    description: 'systemd: run daemon-reload first when systemd reports the unit\'s files changed since the last one.',
  })),
}, {
  additionalProperties: false,
  anyOf: [{ required: ['state'] }, { required: ['enabled'] }, { required: ['daemon_reload'] }],
});

function opFor(state: ServiceStateParam | undefined, active: boolean): ServiceOp | undefined {
  switch (state) {
    case undefined: return undefined;
    case 'started': return active ? undefined : 'start';
    case 'stopped': return active ? 'stop' : undefined;
    case 'restarted': return active ? 'restart' : 'start';
    case 'reloaded': return active ? 'reload' : 'start';
    default: return assertNever(state, 'service state');
  }
}

function bootFor(enabled: boolean | undefined, st: ServiceState): BootChange {
  if (enabled === undefined || st.enabled === null || st.enabled === enabled) return undefined;
  return enabled ? 'enable' : 'disable';
}

const runWord = (active: boolean | undefined): string => (active ? 'running' : 'stopped');

/**
 * A service that is not there. In check mode an earlier task may have predicted the package that
 * ships it (same name): plan against a fresh install's state (stopped, not enabled) instead of
 * failing the way a check run usually does ("service not found").
 */
async function missingService(ctx: PlanContext, name: string, st: ServiceState): Promise<ServiceState | string> {
  const where = st.init === 'systemd' ? `no unit ${st.unit}` : `no init script ${st.unit}`;
  if (ctx.check) {
    const key = serviceKey(name);
    const pkgs = await ctx.fact(packagesFact, { names: [key], manager: 'auto', candidates: false });
    const pkg = pkgs.packages[key];
    if (pkg?.installed && pkg.predicted) {
      return { ...st, exists: true, active: false, enabled: false, hasLinks: false, predicted: true, providedBy: key };
    }
    // Or an earlier task wrote its init script (a role that brings its own for hosts without
    // systemd): the service fact read the host, where the script is not yet.
    if (st.init === 'sysv') {
      const script = await ctx.fact(fileFact, st.unit);
      if (script.exists && script.type === 'file') return { ...st, exists: true, active: false, enabled: false, hasLinks: false, predicted: true };
    }
  }
  return `service ${name} not found (${where}); install the package that ships it first`;
}

async function plan(ctx: PlanContext, p: Static<typeof schema>): Promise<Plan> {
  const key = serviceKey(p.name);
  let st = await ctx.fact(serviceFact, p.name);
  if (!st.exists && (p.state === undefined || p.state === 'stopped') && p.enabled !== true) {
    // "Not running, not at boot" holds for a service that is not there (firewalld on a host
    // without it): hardening roles say so without guarding every task.
    return { kind: 'ok', reason: `${key} is not installed (${st.unit} does not exist): nothing runs or starts at boot`, result: { name: key, init: st.init, unit: st.unit, state: 'absent' } };
  }
  if (!st.exists) {
    const found = await missingService(ctx, p.name, st);
    if (typeof found === 'string') return { kind: 'fail', msg: found };
    st = found;
  }
  const result = { name: key, init: st.init, unit: st.unit };
  if (st.masked && (p.state === 'started' || p.state === 'restarted' || p.state === 'reloaded' || p.enabled === true)) {
    return { kind: 'fail', msg: `${st.unit} is masked: it cannot be started or enabled (systemctl unmask ${st.unit})`, result };
  }
  const op = opFor(p.state, st.active === true);
  const boot = bootFor(p.enabled, st);
  const daemonReload = p.daemon_reload === true && st.init === 'systemd' && st.needsDaemonReload === true;
  const notes: string[] = [];
  if (p.enabled !== undefined && st.enabled === null) notes.push(`${st.unit} is ${st.enabledState} (it has no [Install] section to enable or disable)`);

  if (!op && !boot && !daemonReload) {
    // SysV's plain answers say no more than running/stopped; systemd's and LSB's odd ones do.
    const detail = st.activeState && !['running', 'not running'].includes(st.activeState) ? ` (${st.activeState})` : '';
    const parts = [`${key} is ${runWord(st.active)}${detail}`];
    if (p.enabled !== undefined && st.enabled !== null) parts.push(st.enabled ? 'enabled at boot' : 'not enabled at boot');
    if (st.predicted) parts.push('predicted by an earlier task');
    return { kind: 'ok', reason: [parts.join(', '), ...notes].join('; '), result: { ...result, state: runWord(st.active), enabled: st.enabled } };
  }

  let actions: ExecAction[];
  if (st.init === 'systemd') actions = systemdActions(st, op, boot, daemonReload);
  else {
    const sysv = sysvActions(st, op, boot);
    if (typeof sysv === 'string') return { kind: 'fail', msg: sysv, result };
    actions = sysv;
  }

  const active = op === undefined ? st.active === true : op !== 'stop';
  const enabled = boot === undefined ? st.enabled : boot === 'enable';
  const words = [
    ...(daemonReload ? ['daemon-reload'] : []),
    ...(boot ? [boot] : []),
    ...(op ? [op] : []),
  ];
  const before: Record<string, unknown> = { state: runWord(st.active) };
  const after: Record<string, unknown> = { state: op === 'restart' ? 'restarted' : op === 'reload' ? 'reloaded' : runWord(active) };
  if (boot) {
    before.enabled = st.enabled;
    after.enabled = enabled;
  }
  if (daemonReload) {
    before.unit_files = 'changed on disk';
    after.unit_files = 'reloaded';
  }
  const provided = st.providedBy ? ` (${st.providedBy} is to be installed by an earlier task)` : '';
  return {
    kind: 'change',
    summary: `${words.join(' + ')} ${key}${provided}`,
    diffs: [{ kind: 'state', subject: `service ${key} (${st.init})`, before, after }],
    actions,
    effects: [{
      fact: serviceFact.name,
      key,
      value: { ...st, active, enabled, needsDaemonReload: daemonReload ? false : st.needsDaemonReload, predicted: true } satisfies ServiceState,
    }],
    result: { ...result, state: runWord(active), enabled },
  };
}

export const service = defineModule({
  name: 'service',
  schema,
  doc: {
    summary: 'Makes a service running or stopped (or restarts/reloads it) and enabled or not at boot, with systemd or SysV init scripts.',
    check: 'full',
    diff: 'state',
    example: `- name: kubelet runs and starts at boot
  service: { name: kubelet, state: started, enabled: true, daemon_reload: true }
- name: pick up the new haproxy configuration
  service: { name: haproxy, state: reloaded }
- name: no firewalld next to nftables
  service: { name: firewalld, state: stopped, enabled: false }
`,
    notes: [
      'One exec reads the service (systemctl show, or the init script\'s status and rc links); a change is one more (systemctl enable --now) or two.',
      'systemd when it is PID 1, otherwise SysV scripts in /etc/init.d (containers, minimal nodes).',
      'A service that does not exist fails the task (stopped and not enabled are simply true of it), except in check mode when an earlier task predicted installing the package of the same name, or writing its SysV init script: the task then plans as on a fresh install.',
      'restarted and reloaded always report a change; use them from handlers.',
    ],
  },
  plan,
});
