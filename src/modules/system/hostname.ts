import { Type } from '../../schema/type.js';
import {
  HOSTNAME_FILE, HOSTS_FILE, hostnameFact, type HostnameFacts,
} from '../../facts/hostname.js';
import { editableText, fileEffect, predictHostFile, type HostFile } from '../../facts/system-files.js';
import { hostnameFromFile, setLoopbackName } from './hostname-files.js';
import { runSystemAction, systemOpsAction, type SystemOp } from './system-apply.js';
import { defineModule, type Diff, type Plan } from '../types.js';

const LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

const schema = Type.Object({
  name: Type.String({
    pattern: `^${LABEL}(\\.${LABEL})*$`,
    maxLength: 64,
    description: 'The host name (RFC 1123: letters, digits and "-" in dot-separated labels; at most 64 characters, the kernel\'s limit).',
    errorHint: 'letters, digits and "-" (not first or last) in labels of at most 63 characters, joined by dots; no "_"; 64 characters in all at most: "node-1" or "node-1.example.com"',
  }),
  update_hosts: Type.Optional(Type.Boolean({
    default: false,
    description: 'Also make the 127.0.1.1 line of /etc/hosts name the host (full name, then the short one), so the name resolves without DNS (sudo, kubelet).',
  })),
}, { additionalProperties: false });

export const hostname = defineModule({
  name: 'hostname',
  doc: {
    summary: 'Sets the host name: the running one and /etc/hostname (hostnamectl under systemd), optionally the 127.0.1.1 line of /etc/hosts.',
    check: 'full',
    diff: 'content and state',
    example: `- name: name the node after its inventory entry
  hostname: { name: "{{ inventory_hostname }}", update_hosts: true }
`,
    notes: [
      'One exec reads the running name, /etc/hostname and /etc/hosts; a change costs one more (files written atomically, then hostnamectl set-hostname under systemd, or hostname plus /etc/hostname elsewhere).',
      'Other lines of /etc/hosts that name the old host are left alone.',
      'Check mode: later tasks see the predicted name, /etc/hostname and /etc/hosts. An /etc/hosts written by another module earlier in the same check run is read from the host.',
    ],
  },
  schema,
  async plan(ctx, p): Promise<Plan> {
    const name = p.name;
    const files = [HOSTNAME_FILE, HOSTS_FILE];
    const facts = await ctx.fact(hostnameFact, { files });
    const nameFile = facts.files[HOSTNAME_FILE]!;
    const nameText = editableText(nameFile, HOSTNAME_FILE);
    if ('error' in nameText) return { kind: 'fail', msg: nameText.error };
    const fileName = hostnameFromFile(nameText.text);
    const runtimeDiffers = facts.current !== name;
    const fileDiffers = fileName !== name;

    const ops: SystemOp[] = [];
    const diffs: Diff[] = [];
    const summary: string[] = [];
    const predictedFiles: Record<string, HostFile> = {};
    if (p.update_hosts) {
      const hostsFile = facts.files[HOSTS_FILE]!;
      const hosts = editableText(hostsFile, HOSTS_FILE);
      if ('error' in hosts) return { kind: 'fail', msg: hosts.error };
      const next = setLoopbackName(hosts.text, name);
      if (next !== hosts.text) {
        // /etc/hosts first: the new name resolves the moment the host takes it (sudo looks it up).
        ops.push({ op: 'write', path: HOSTS_FILE, text: next });
        diffs.push({ kind: 'text', subject: HOSTS_FILE, before: hostsFile.exists ? hosts.text : null, after: next });
        summary.push(`${HOSTS_FILE}: 127.0.1.1 names ${name}`);
        predictedFiles[HOSTS_FILE] = predictHostFile(hostsFile, next);
      }
    }
    if (runtimeDiffers || fileDiffers) {
      diffs.unshift({ kind: 'state', subject: 'hostname', before: { running: facts.current, [HOSTNAME_FILE]: fileName ?? null }, after: { running: name, [HOSTNAME_FILE]: name } });
      const what = runtimeDiffers ? `rename ${facts.current} -> ${name}${fileDiffers ? ` (and ${HOSTNAME_FILE})` : ''}`
        : `${HOSTNAME_FILE}: ${fileName ?? '(none)'} -> ${name}`;
      if (facts.systemd) {
        // hostnamed sets the running name and writes /etc/hostname itself.
        ops.push({ op: 'run', argv: ['hostnamectl', 'set-hostname', name] });
        summary.unshift(`${what} with hostnamectl`);
      } else {
        if (fileDiffers) ops.push({ op: 'write', path: HOSTNAME_FILE, text: `${name}\n` });
        if (runtimeDiffers) ops.push({ op: 'run', argv: ['hostname', name] });
        summary.unshift(what);
      }
      if (fileDiffers) predictedFiles[HOSTNAME_FILE] = predictHostFile(nameFile, `${name}\n`);
    }
    const result = { name };
    if (ops.length === 0) {
      return { kind: 'ok', reason: `the host is already named ${name} (running and ${HOSTNAME_FILE}${p.update_hosts ? `, 127.0.1.1 in ${HOSTS_FILE}` : ''})`, result };
    }
    const next: HostnameFacts = { ...facts, current: name, files: { ...facts.files, ...predictedFiles } };
    return {
      kind: 'change',
      summary: summary.join('; '),
      diffs,
      actions: [systemOpsAction(ops)],
      effects: [
        { fact: hostnameFact.name, key: hostnameFact.key({ files }), value: next },
        ...Object.entries(predictedFiles).map(([path, hf]) => fileEffect(path, hf)),
      ],
      result,
    };
  },
  async apply(ctx, plan) {
    for (const action of plan.actions) {
      await runSystemAction(ctx, action, 'K8SBM_HOSTNAME_FAILED', 'setting the name needs root (become: true); under systemd, systemd-hostnamed must be reachable');
    }
  },
});
