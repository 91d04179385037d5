import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { normalizeFilePath } from '../../facts/file.js';
import { mountFact } from '../../facts/mount.js';
import { AbsolutePath, StringEnum } from '../../schema/formats.js';
import { normalizeMountPath, type FstabEntry } from './mount-fstab.js';
import { MOUNT_STATES, planMount, planSwapOff } from './mount-plan.js';
import { runSystemAction } from './system-apply.js';
import { defineModule, type Plan } from '../types.js';

const NO_BLANK = '^\\S+$';
const SWAP_PATHS = ['none', 'swap'];

/** fstab's dump and fsck-order fields: a number, as YAML gives it or quoted. */
const FstabNumber = (description: string) => Type.Unsafe<string | number>({
  type: ['string', 'integer'], pattern: '^[0-9]+$', minimum: 0, default: 0, description, errorHint: 'a whole number as fstab has it, usually 0',
});

/** A mount point outside the swap forms. */
const MountPoint = AbsolutePath({ errorHint: 'a mount point from /, e.g. "/var/lib/containerd" (swap lines have "none": fstype: swap, state: absent)' });

const SWAP_FSTYPE = { properties: { fstype: { const: 'swap' } }, required: ['fstype'] };

const schema = Type.Object({
  path: Type.Optional(Type.String({ minLength: 1, description: 'Mount point (absolute). For swap, "none" or "swap".' })),
  name: Type.Optional(Type.String({ minLength: 1, description: 'Alias of path.' })),
  src: Type.Optional(Type.String({ minLength: 1, description: 'Device, tag or source: /dev/sdb1, UUID=..., LABEL=..., server:/export, tmpfs.' })),
  fstype: Type.Optional(Type.String({
    pattern: NO_BLANK,
    description: 'Filesystem type: ext4, xfs, nfs, tmpfs, ... (swap only to turn swap off).',
    errorHint: 'one word, e.g. ext4, xfs, nfs or tmpfs',
  })),
  opts: Type.Optional(Type.String({
    pattern: NO_BLANK,
    default: 'defaults',
    description: 'Mount options, comma-separated, as in fstab.',
    errorHint: 'options separated by commas only, without blanks: "defaults,noatime"',
  })),
  dump: Type.Optional(FstabNumber('fstab dump field.')),
  passno: Type.Optional(FstabNumber('fstab fsck order field.')),
  state: Type.Optional(StringEnum(MOUNT_STATES, {
    description: 'Required, except with swap. mounted: in fstab and mounted now (mount point created); present: in fstab only; unmounted: not mounted, fstab untouched; ' +
      'absent: not mounted and not in fstab; remounted: remount now (always a change).',
  })),
  fstab: Type.Optional(AbsolutePath({ default: '/etc/fstab', description: 'The fstab file to edit.' })),
  backup: Type.Optional(Type.Boolean({ default: false, description: 'Keep the previous fstab as FSTAB.YYYYmmddTHHMMSS~ when it changes.' })),
  swap: Type.Optional(StringEnum(['off'], {
    description: 'swap: off turns every active swap area off (swapoff) and comments out every swap line of fstab, as Kubernetes nodes need. ' +
      'Same as the Ansible form {path: none, fstype: swap, state: absent}.',
  })),
}, {
  additionalProperties: false,
  anyOf: [{ required: ['path'] }, { required: ['name'] }, { required: ['swap'] }],
  allOf: [
    // Any swap param (even a wrong one) lifts the need for state, so a bad swap value is the error shown.
    { if: { required: ['swap'] }, then: {}, else: { required: ['state'] } },
    {
      if: { required: ['swap'] },
      then: {
        properties: { path: false, name: false, state: false, fstype: false, opts: false },
        errorMessage: 'swap: off stands alone (with src, fstab and backup at most): it turns every swap area off',
        errorHint: 'drop the other params (src turns off only that swap area), or write Ansible\'s form without swap: {path: none, fstype: swap, state: absent}',
      },
    },
    {
      if: { properties: { fstype: { const: 'swap' }, state: { const: 'absent' } }, required: ['fstype', 'state'] },
      then: {
        properties: { path: { enum: SWAP_PATHS }, name: { enum: SWAP_PATHS } },
        errorMessage: 'fstype: swap with state: absent turns swap off; path must be "none" or "swap" (the mount point swap lines have), not {value}',
        errorHint: 'write path: none (swap lines have no mount point), or swap: "off" alone',
      },
    },
    {
      if: SWAP_FSTYPE,
      then: {
        properties: { state: { const: 'absent' } },
        errorMessage: 'the mount module only turns swap off (swap: off, or fstype: swap with state: absent)',
        errorHint: 'use a swap unit or swapon to add swap',
      },
    },
    { if: { anyOf: [{ required: ['swap'] }, SWAP_FSTYPE] }, then: {}, else: { properties: { path: MountPoint, name: MountPoint } } },
    {
      if: { properties: { state: { enum: ['mounted', 'present'] } }, required: ['state'] },
      then: {
        required: ['src', 'fstype'],
        errorMessage: 'state=mounted or present needs src and fstype',
        errorHint: 'src is what to mount (/dev/vdb1, UUID=..., server:/export, tmpfs), fstype its filesystem (ext4, xfs, nfs, tmpfs)',
      },
    },
  ],
});

type MountParams = Static<typeof schema>;

/** The Ansible spelling of swap off: fstype swap, state absent (path none or swap). */
export function isSwapOff(p: MountParams): boolean {
  return p.swap === 'off' || (p.fstype === 'swap' && p.state === 'absent');
}

export const mount = defineModule({
  name: 'mount',
  doc: {
    summary: 'Mounts filesystems and keeps /etc/fstab in step (Ansible\'s mount), and turns swap off for Kubernetes.',
    check: 'full',
    diff: 'content and state',
    example: `- name: data disk, mounted now and at boot
  mount: { path: /var/lib/containerd, src: "UUID=3f6c...", fstype: xfs, opts: "defaults,noatime", state: mounted }
- name: no swap on Kubernetes nodes (swapoff now, fstab lines commented out)
  mount: { swap: "off" }
- name: the same, as Ansible playbooks write it
  mount: { path: none, fstype: swap, state: absent }
`,
    notes: [
      'One exec reads /proc/self/mountinfo, /proc/swaps and fstab; a change costs at most two more: one script for mkdir/mount/umount/swapoff, then fstab written atomically. The kernel goes first, so a mount that fails leaves no fstab entry behind.',
      'fstab keeps every other byte: only the entry\'s own line changes; duplicates of it are dropped; swap lines are commented out with "#", not deleted.',
      'state=mounted remounts (mount -o remount,OPTS) when the fstab entry changed, and unmounts and mounts again when the live mount has another filesystem type or source (sources given as UUID=/LABEL= or bind mounts are trusted, as in Ansible). The mount point is created when missing; absent does not remove it.',
      'Swap off plans swapoff only for what /proc/swaps lists: with no active swap it only edits fstab. With src, only that swap area and its lines.',
      'Check mode: later mount tasks see the predicted mounts, swaps and fstab; other modules see the predicted fstab. An fstab written by another module earlier in the same check run is read from the host.',
    ],
  },
  schema,
  async plan(ctx, p): Promise<Plan> {
    const fstab = normalizeFilePath(p.fstab ?? '/etc/fstab');
    // The schema has settled the forms: swap off alone or in Ansible's spelling (path none or
    // swap); otherwise an absolute mount point (path or name) with a state, and src and fstype
    // where the entry is written.
    if (isSwapOff(p)) {
      const facts = await ctx.fact(mountFact, { files: [fstab] });
      return planSwapOff({ fstab, backup: p.backup ?? false, src: p.src }, facts);
    }
    const state = p.state!;
    const entry: FstabEntry = {
      src: p.src ?? '', path: normalizeMountPath((p.path ?? p.name)!), fstype: p.fstype ?? 'auto', opts: p.opts ?? 'defaults',
      dump: String(p.dump ?? 0), passno: String(p.passno ?? 0),
    };
    const facts = await ctx.fact(mountFact, { files: [fstab] });
    return planMount({ state, entry, fstab, backup: p.backup ?? false, remountOpts: p.opts }, facts);
  },
  async apply(ctx, plan) {
    const out: Record<string, unknown> = {};
    for (const action of plan.actions) {
      const res = await runSystemAction(ctx, action, 'K8SBM_MOUNT_FAILED', 'see the message of mount/umount/swapoff above (device present? filesystem type right? mount point busy?)');
      const backup = /^backup=(.*)$/m.exec(res.stdout)?.[1];
      if (action.kind === 'upload' && backup !== undefined) out.backup_file = backup;
    }
    return out;
  },
});
