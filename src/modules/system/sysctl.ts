import type { SchemaOptions, Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { normalizeFilePath } from '../../facts/file.js';
import {
  normalizeSysctlValue, sysctlFact, sysctlKeyName, sysctlKeyPath, type SysctlFacts, type SysctlValue,
} from '../../facts/sysctl.js';
import { editableText, fileEffect, parentOf, predictHostFile } from '../../facts/system-files.js';
import { asBoolean } from '../../schema/coerce.js';
import { AbsolutePath, StringEnum } from '../../schema/formats.js';
import { runSystemAction } from './system-apply.js';
import { confValue, editSysctlConf } from './sysctl-conf.js';
import { checkReadBack, sysctlWriteAction, writtenSettings } from './sysctl-runtime.js';
import { defineModule, type Action, type Diff, type Plan } from '../types.js';

export const DEFAULT_SYSCTL_FILE = '/etc/sysctl.d/99-k8sbm.conf';

const KEY_HINT = 'dotted as sysctl prints it ("net.ipv4.ip_forward"), or as the path under /proc/sys ("net/ipv4/conf/eth0.100/rp_filter")';

/**
 * A key, as sysctl(8) reads it: split at its first separator ('.' dotted, '/' path form), the
 * other separator standing for a dot inside a part ("eth0.100"). Under /proc/sys no part may
 * come out empty, "." or "..": a key never leaves /proc/sys.
 */
const KEY = {
  allOf: [
    { pattern: '^[A-Za-z0-9_+:./-]+$', errorMessage: '{value} is not a sysctl key (letters, digits and _ + - : . / only)', errorHint: KEY_HINT },
    {
      pattern: '^[^./]+(?:(?:\\.(?!//?(?:\\.|$))[^.]+)*|(?:/(?!\\.\\.?(?:/|$))[^/]+)*)$',
      errorMessage: '{value} is not a sysctl key (empty or relative part)',
      errorHint: KEY_HINT,
    },
  ],
};

/** One value: several fields are one string; booleans and numbers as YAML gives them. */
const Value = (o: SchemaOptions = {}) => Type.Union([Type.String(), Type.Number(), Type.Boolean()], o);
export type SysctlScalar = Static<ReturnType<typeof Value>>;

const schema = Type.Object({
  name: Type.Optional(Type.String({ ...KEY, description: 'One kernel parameter, dotted ("net.ipv4.ip_forward") or as a path ("net/ipv4/conf/eth0.100/rp_filter").' })),
  value: Type.Optional(Value({
    description: 'Its value (with name; required unless state=absent). Several fields are one string: "4096 87380 6291456". true/false, yes/no, on/off mean 1/0.',
  })),
  settings: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), {
    minProperties: 1,
    propertyNames: KEY,
    description: 'Several parameters in one task (one round trip when nothing changes): {net.ipv4.ip_forward: 1, vm.swappiness: 10}. With state=absent the values are ignored.',
  })),
  state: Type.Optional(StringEnum(['present', 'absent'], {
    default: 'present',
    description: 'present: the file sets the value (and the running value is set, see reload); absent: the key is removed from the file (the running value is left as it is).',
  })),
  sysctl_file: Type.Optional(AbsolutePath({ default: DEFAULT_SYSCTL_FILE, description: 'The file under /etc/sysctl.d that persists the values across reboots.' })),
  reload: Type.Optional(Type.Boolean({
    default: true,
    description: 'Also make the running values match, writing exactly the keys that differ (not `sysctl -p`, which would re-apply every key of the file).',
  })),
  sysctl_set: Type.Optional(Type.Boolean({ default: false, description: 'Set the running value even when reload is false (Ansible compatibility).' })),
  ignoreerrors: Type.Optional(Type.Boolean({
    default: false,
    description: 'A key this kernel does not have is written to the file but not applied, instead of failing the task.',
  })),
}, {
  additionalProperties: false,
  oneOf: [{ required: ['name'] }, { required: ['settings'] }],
  allOf: [{ if: { required: ['value'] }, then: { required: ['name'] } }],
  if: { properties: { state: { const: 'absent' } }, required: ['state'] },
  then: {},
  else: { anyOf: [{ required: ['settings'] }, { required: ['value'] }] },
});

export type SysctlParams = Static<typeof schema>;

/** true/yes/on -> "1", false/no/off -> "0" (as Ansible does), numbers as written, fields normalised. */
export function sysctlValueText(v: SysctlScalar): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return String(v);
  const b = asBoolean(v);
  return b === undefined ? normalizeSysctlValue(v) : b ? '1' : '0';
}

/** The keys a task asks about, dotted, with their wanted value (null: remove). */
export function wantedSettings(p: SysctlParams): Map<string, string | null> {
  const absent = p.state === 'absent';
  const out = new Map<string, string | null>();
  const entries: [string, SysctlScalar | null | undefined][] = p.settings ? Object.entries(p.settings) : [[p.name ?? '', p.value]];
  for (const [k, v] of entries) out.set(sysctlKeyName(k), absent || v === null || v === undefined ? null : sysctlValueText(v));
  return out;
}

const list = (items: readonly string[], max = 8): string =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;

export const sysctl = defineModule({
  name: 'sysctl',
  doc: {
    summary: 'Sets kernel parameters: the running value and a persistent sysctl.d file, one key or many in one task.',
    check: 'full',
    diff: 'content and state',
    example: `- name: kernel settings for Kubernetes
  sysctl:
    settings:
      net.ipv4.ip_forward: 1
      net.bridge.bridge-nf-call-iptables: 1
      net.ipv4.tcp_rmem: "4096 87380 6291456"
    sysctl_file: /etc/sysctl.d/90-kubernetes.conf
- name: one key, Ansible style
  sysctl: { name: vm.swappiness, value: 10 }
- name: forget a key
  sysctl: { name: kernel.sysrq, state: absent }
`,
    notes: [
      'One exec reads every key (from /proc/sys) and the file; a change costs at most two more: set the running values of exactly the keys that differ (read back to catch values the kernel adjusts), then write the file atomically.',
      'Values compare as Linux reads them: whitespace-separated fields, so "4096 87380 6291456" equals "4096\\t87380\\t6291456".',
      'A key the host does not have fails the task naming it (ignoreerrors: true writes it to the file only). A key that cannot be written (read-only /proc/sys) fails at plan time, before anything changes.',
      'state=absent removes the key from the file only: the kernel has no "unset"; the running value stays until reboot or until set explicitly.',
      'Check mode: a later sysctl task sees what earlier ones predicted (values and files), and copy, stat or lineinfile see the predicted file. A file written by another module earlier in the same check run is read from the host.',
    ],
  },
  owns: (p) => [...wantedSettings(p)].map(([key, value]) => ({ resource: `sysctl ${key}`, value })),
  schema,
  async plan(ctx, p): Promise<Plan> {
    const want = wantedSettings(p);
    const file = normalizeFilePath(p.sysctl_file ?? DEFAULT_SYSCTL_FILE);
    const keys = [...want.keys()];
    const facts = await ctx.fact(sysctlFact, { keys, files: [file] });
    const hf = facts.files[file]!;
    const editable = editableText(hf, file);
    if ('error' in editable) return { kind: 'fail', msg: editable.error };
    const text = editable.text;
    const absent = p.state === 'absent';
    const runtime = !absent && ((p.reload ?? true) || p.sysctl_set === true);

    const unknown = absent ? [] : keys.filter((k) => facts.values[k] === null);
    if (unknown.length && !p.ignoreerrors) {
      return {
        kind: 'fail',
        msg: `no such kernel parameter on this host: ${unknown.map((k) => `${k} (/proc/sys/${sysctlKeyPath(k)} does not exist)`).join(', ')}` +
          ' (a module not loaded yet? set ignoreerrors: true to only write it to the file)',
      };
    }
    const newText = editSysctlConf(text, want);
    const fileChanges = newText !== text;
    const runtimeChanges: [string, string][] = [];
    if (runtime) {
      for (const [k, v] of want) {
        const cur = facts.values[k];
        if (v === null || !cur) continue;
        // A write-only key (net.ipv4.route.flush) cannot be compared: it is written when its line changes.
        const differs = cur.value === undefined ? confValue(text, k) !== v : cur.value !== v;
        if (differs) runtimeChanges.push([k, v]);
      }
    }
    const readOnly = runtimeChanges.filter(([k]) => !facts.values[k]!.writable).map(([k]) => k);
    if (readOnly.length) {
      return {
        kind: 'fail',
        msg: `cannot set ${list(readOnly)}: /proc/sys/${sysctlKeyPath(readOnly[0]!)} is not writable here` +
          ' (run the task with become: true; in a container or network namespace only the namespace\'s own keys, such as net.*, can be set)',
      };
    }
    if (fileChanges && !hf.exists && hf.parentIsDir === false) {
      return { kind: 'fail', msg: `cannot create ${file}: directory ${parentOf(file)} does not exist (create it first with the file module, state: directory)` };
    }
    const result = { sysctl_file: file, settings: Object.fromEntries(want) };
    if (!fileChanges && runtimeChanges.length === 0) return { kind: 'ok', reason: okReason(want, facts, file, runtime, absent), result };

    const actions: Action[] = [];
    const diffs: Diff[] = [];
    const summary: string[] = [];
    const values: Record<string, SysctlValue | null> = {};
    if (runtimeChanges.length) {
      actions.push(sysctlWriteAction(runtimeChanges));
      const before = Object.fromEntries(runtimeChanges.map(([k]) => [k, facts.values[k]!.value ?? '(write-only)']));
      diffs.push({ kind: 'state', subject: 'kernel parameters (running)', before, after: Object.fromEntries(runtimeChanges) });
      summary.push(`set ${list(runtimeChanges.map(([k, v]) => `${k} ${facts.values[k]!.value ?? '?'} -> ${v}`))}`);
      for (const [k, v] of runtimeChanges) values[k] = { ...facts.values[k]!, value: v };
    }
    const predicted = fileChanges ? predictHostFile(hf, newText) : hf;
    if (fileChanges) {
      actions.push({ kind: 'upload', dest: file, content: Buffer.from(newText, 'utf8') });
      diffs.push({ kind: 'text', subject: file, before: hf.exists ? text : null, after: newText });
      summary.push(`${hf.exists ? 'update' : 'create'} ${file}`);
    }
    if (unknown.length) summary.push(`not applied (no such key here): ${list(unknown)}`);
    const next: SysctlFacts = { values: { ...facts.values, ...values }, files: { ...facts.files, [file]: predicted } };
    return {
      kind: 'change',
      summary: summary.join('; '),
      diffs,
      actions,
      effects: [{ fact: sysctlFact.name, key: sysctlFact.key({ keys, files: [file] }), value: next }, ...(fileChanges ? [fileEffect(file, predicted)] : [])],
      result: { ...result, changed_keys: runtimeChanges.map(([k]) => k), ...(unknown.length ? { unknown_keys: unknown } : {}) },
    };
  },
  async apply(ctx, plan) {
    for (const action of plan.actions) {
      const res = await runSystemAction(ctx, action, 'K8SBM_SYSCTL_REFUSED', 'check the value against the kernel documentation of the key (range, number of fields)');
      if (action.kind === 'exec') checkReadBack(res.stdout, writtenSettings(action.argv), ctx.host);
    }
  },
});

function okReason(want: ReadonlyMap<string, string | null>, facts: SysctlFacts, file: string, runtime: boolean, absent: boolean): string {
  const keys = [...want.keys()];
  if (absent) return keys.length === 1 ? `${keys[0]} is not in ${file}` : `none of ${list(keys)} is in ${file}`;
  const where = runtime ? `running and in ${file}` : `in ${file}; running values not managed (reload: false)`;
  const skipped = keys.filter((k) => facts.values[k] === null);
  const note = skipped.length ? `; not on this host: ${list(skipped)}` : '';
  if (keys.length === 1) return `${keys[0]} is already ${want.get(keys[0]!)} (${where})${note}`;
  return `${keys.length} kernel parameters already set (${where}): ${list([...want].map(([k, v]) => `${k} = ${v}`))}${note}`;
}
