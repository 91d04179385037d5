import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import {
  kernelModuleName, kmodFact, type KmodFacts,
} from '../../facts/kmod.js';
import { editableText, fileEffect, predictHostFile, type HostFile } from '../../facts/system-files.js';
import { StringEnum } from '../../schema/formats.js';
import { splitShellWords } from '../../transport/quote.js';
import { runSystemAction, systemOpsAction, type SystemOp } from './system-apply.js';
import { defineModule, type Diff, type Effect, type Plan } from '../types.js';

const schema = Type.Object({
  name: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$',
    description: 'Module name ("br_netfilter"; "-" and "_" are the same to the kernel).',
    errorHint: 'a kernel module name such as br_netfilter or nf_conntrack: letters, digits, "_" and "-"; no path, no .ko',
  }),
  state: Type.Optional(StringEnum(['present', 'absent'], {
    description: 'present: loaded now (built-in counts); absent: unloaded now. Default present, or absent with blacklist: true.',
  })),
  params: Type.Optional(Type.String({
    default: '',
    description: 'Module parameters used when loading ("max_loop=64"); with persistent=present also written to /etc/modprobe.d/NAME.conf as an options line. ' +
      'A module already loaded is not reloaded to change them.',
    allOf: [{
      pattern: '^[^\\n\\r]*$',
      errorMessage: 'params must be one line (it becomes the options line of /etc/modprobe.d/NAME.conf), got several',
      errorHint: 'name=value words on one line, e.g. "max_loop=64 max_part=8"',
    }],
  })),
  persistent: Type.Optional(StringEnum(['present', 'absent'], {
    description: 'present: /etc/modules-load.d/NAME.conf loads it at boot; absent: that file is removed. Unset: the files are left alone.',
  })),
  blacklist: Type.Optional(Type.Boolean({
    description: 'true: /etc/modprobe.d/NAME-blacklist.conf ("blacklist NAME", "install NAME /bin/false") keeps it from ever loading, and it is unloaded now; ' +
      'false: that file is removed. Unset: left alone.',
  })),
}, {
  additionalProperties: false,
  allOf: [
    {
      if: { properties: { blacklist: { const: true } }, required: ['blacklist'] },
      then: {
        properties: { state: { const: 'absent' }, persistent: { const: 'absent' } },
        errorMessage: 'blacklist: true keeps the module from ever loading: state and persistent can only be absent with it',
        errorHint: 'drop state and persistent (blacklist: true unloads the module and removes its modules-load.d file), or write blacklist: false to lift a blacklist',
      },
    },
  ],
});

export type ModprobeParams = Static<typeof schema>;

export const loadFileOf = (name: string): string => `/etc/modules-load.d/${name}.conf`;
export const optionsFileOf = (name: string): string => `/etc/modprobe.d/${name}.conf`;
export const blacklistFileOf = (name: string): string => `/etc/modprobe.d/${name}-blacklist.conf`;

interface FileWant {
  readonly path: string;
  /** null: the file must not exist. */
  readonly text: string | null;
}

/** The files a task manages, with what they must hold. */
export function wantedModuleFiles(p: ModprobeParams): FileWant[] {
  const out: FileWant[] = [];
  // The blacklist goes first: from then on nothing can load the module again.
  if (p.blacklist === true) out.push({ path: blacklistFileOf(p.name), text: `blacklist ${p.name}\ninstall ${p.name} /bin/false\n` });
  if (p.blacklist === false) out.push({ path: blacklistFileOf(p.name), text: null });
  const persistent = p.persistent ?? (p.blacklist ? 'absent' : undefined);
  if (persistent === 'present') {
    out.push({ path: loadFileOf(p.name), text: `${p.name}\n` });
    if (p.params?.trim()) out.push({ path: optionsFileOf(p.name), text: `options ${p.name} ${p.params.trim()}\n` });
  } else if (persistent === 'absent') {
    out.push({ path: loadFileOf(p.name), text: null });
  }
  return out;
}

export const modprobe = defineModule({
  name: 'modprobe',
  doc: {
    summary: 'Loads or unloads a kernel module now, and keeps it loaded at boot or blacklisted.',
    check: 'full',
    diff: 'content and state',
    example: `- name: modules Kubernetes networking needs, now and at boot
  modprobe: { name: br_netfilter, persistent: present }
- name: a module with parameters
  modprobe: { name: loop, params: "max_loop=64", persistent: present }
- name: never load this one
  modprobe: { name: floppy, blacklist: true }
`,
    notes: [
      'One exec reads /proc/modules, whether the module is built in, and its files; a change costs one more (files written atomically and modprobe run in a single script).',
      'A module built into the kernel counts as loaded; it cannot be unloaded or blacklisted, and a plan that asks for that fails before anything changes. So does unloading a module that is in use.',
      'Built in: /sys/module/NAME without initstate, modules.builtin, or, for common modules (overlay, br_netfilter, nf_conntrack, the usual blacklist entries ...), SYMBOL=y in the kernel configuration (/proc/config.gz, /boot/config-RELEASE): kernels without module support may ship neither of the first two.',
      'persistent=absent removes /etc/modules-load.d/NAME.conf only; an options file in /etc/modprobe.d is left alone (it loads nothing).',
    ],
  },
  schema,
  rules: [{
    params: ['params'],
    check(p) {
      try {
        splitShellWords(p.params ?? '');
        return undefined;
      } catch (e) {
        return { message: `params: ${(e as Error).message}`, hint: 'close the quote: modprobe reads the words as a shell would (quote a value with blanks: opt="a b")' };
      }
    },
  }],
  async plan(ctx, p): Promise<Plan> {
    const name = p.name;
    const kname = kernelModuleName(name);
    const state = p.state ?? (p.blacklist ? 'absent' : 'present');
    // The rule has split params once already: here it cannot fail.
    const argv = splitShellWords(p.params ?? '');
    const wants = wantedModuleFiles(p);
    const facts = await ctx.fact(kmodFact, { names: [name], files: [...new Set([...wants.map((w) => w.path), blacklistFileOf(name)])] });
    const loaded = facts.loaded[kname];
    const builtin = facts.builtin[kname] === true;

    const ops: SystemOp[] = [];
    const after: SystemOp[] = [];
    const diffs: Diff[] = [];
    const summary: string[] = [];
    const reasons: string[] = [];
    const files: Record<string, HostFile> = {};
    for (const w of wants) {
      const hf = facts.files[w.path]!;
      if (w.text === null) {
        if (!hf.exists) {
          reasons.push(`${w.path} does not exist`);
          continue;
        }
        after.push({ op: 'remove', path: w.path });
        diffs.push({ kind: 'text', subject: w.path, before: hf.text ?? '', after: null });
        summary.push(`remove ${w.path}`);
        files[w.path] = { exists: false, parentIsDir: true };
        continue;
      }
      const cur = editableText(hf, w.path);
      if ('error' in cur) return { kind: 'fail', msg: cur.error };
      if (hf.exists && cur.text === w.text) {
        reasons.push(`${w.path} is up to date`);
        continue;
      }
      after.push({ op: 'write', path: w.path, text: w.text });
      diffs.push({ kind: 'text', subject: w.path, before: hf.exists ? cur.text : null, after: w.text });
      summary.push(`${hf.exists ? 'update' : 'create'} ${w.path}`);
      files[w.path] = predictHostFile(hf, w.text);
    }

    let nowLoaded = loaded !== undefined;
    if (state === 'present') {
      if (loaded) reasons.unshift(`${name} is loaded`);
      else if (builtin) reasons.unshift(`${name} is built into the kernel`);
      else {
        const blacklisted = facts.files[blacklistFileOf(name)];
        if (blacklisted?.exists && p.blacklist !== false) {
          return { kind: 'fail', msg: `${name} is blacklisted by ${blacklistFileOf(name)}: set blacklist: false to lift it before loading` };
        }
        if (!facts.loadable) return { kind: 'fail', msg: `cannot load ${name}: this kernel has no loadable module support (no /proc/modules) and ${name} is not built in` };
        if (!facts.modprobe) return { kind: 'fail', msg: `cannot load ${name}: modprobe not found on the host (install kmod)` };
        // Loaded first: a module that does not exist fails before any file names it.
        ops.push({ op: 'run', argv: [facts.modprobe, '--', name, ...argv] });
        summary.unshift(`load ${name}${argv.length ? ` (${argv.join(' ')})` : ''}`);
        diffs.unshift({ kind: 'state', subject: `kernel module ${name}`, before: { state: 'absent' }, after: { state: 'loaded', ...(argv.length ? { params: argv.join(' ') } : {}) } });
        nowLoaded = true;
      }
    } else if (builtin) {
      return { kind: 'fail', msg: `${name} is built into the kernel: it cannot be unloaded${p.blacklist ? ' or blacklisted' : ''} (only loadable modules can)` };
    } else if (!loaded) {
      reasons.unshift(`${name} is not loaded`);
    } else {
      if (loaded.refcount > 0 || loaded.usedBy.length > 0) {
        const users = loaded.usedBy.length ? `used by ${loaded.usedBy.join(', ')}` : `in use (reference count ${loaded.refcount})`;
        return { kind: 'fail', msg: `cannot unload ${name}: ${users}; unload those first or stop what uses it` };
      }
      if (!facts.modprobe) return { kind: 'fail', msg: `cannot unload ${name}: modprobe not found on the host (install kmod)` };
      // Files first, unloaded last: with a blacklist, nothing can load it again in between.
      after.push({ op: 'run', argv: [facts.modprobe, '-r', '--', name] });
      summary.push(`unload ${name}`);
      diffs.unshift({ kind: 'state', subject: `kernel module ${name}`, before: { state: 'loaded' }, after: { state: 'absent' } });
      nowLoaded = false;
    }
    ops.push(...after);
    const result = { name, state };
    if (ops.length === 0) return { kind: 'ok', reason: reasons.join('; '), result };

    const loadedNext = { ...facts.loaded };
    if (nowLoaded && !loaded && !builtin) loadedNext[kname] = { refcount: 0, usedBy: [] };
    if (!nowLoaded) delete loadedNext[kname];
    const next: KmodFacts = { ...facts, loaded: loadedNext, files: { ...facts.files, ...files } };
    const effects: Effect[] = [
      { fact: kmodFact.name, key: kmodFact.key({ names: [name], files: [] }), value: next },
      ...Object.entries(files).map(([path, hf]) => fileEffect(path, hf)),
    ];
    return { kind: 'change', summary: summary.join('; '), diffs, actions: [systemOpsAction(ops)], effects, result };
  },
  async apply(ctx, plan) {
    for (const action of plan.actions) {
      await runSystemAction(ctx, action, 'K8SBM_MODPROBE_FAILED', 'see the message of modprobe above: is the module available for this kernel (/lib/modules/$(uname -r))?');
    }
  },
});
