import { normalizeFilePath } from '../../facts/file.js';
import { mountFact } from '../../facts/mount.js';
import { normalizeMountPath, type FstabEntry } from './mount-fstab.js';
import { planMount, planSwapOff, type MountState } from './mount-plan.js';
import { runSystemAction } from './system-apply.js';
import { defineModule, type JsonSchema, type Plan } from '../types.js';

export interface MountParams {
  readonly path?: string;
  readonly name?: string;
  readonly src?: string;
  readonly fstype?: string;
  readonly opts?: string;
  readonly dump?: string | number;
  readonly passno?: string | number;
  readonly state?: MountState;
  readonly fstab?: string;
  readonly backup?: boolean;
  readonly swap?: 'off';
}

const NO_SPACE = '^\\S+$';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['path'] }, { required: ['name'] }, { required: ['swap'] }],
  properties: {
    path: { type: 'string', minLength: 1, description: 'Mount point (absolute). For swap, "none" or "swap".' },
    name: { type: 'string', minLength: 1, description: 'Alias of path.' },
    src: { type: 'string', minLength: 1, description: 'Device, tag or source: /dev/sdb1, UUID=..., LABEL=..., server:/export, tmpfs.' },
    fstype: { type: 'string', pattern: NO_SPACE, description: 'Filesystem type: ext4, xfs, nfs, tmpfs, ... (swap only to turn swap off).' },
    opts: { type: 'string', pattern: NO_SPACE, default: 'defaults', description: 'Mount options, comma-separated, as in fstab.' },
    dump: { type: ['string', 'integer'], default: 0, description: 'fstab dump field.' },
    passno: { type: ['string', 'integer'], default: 0, description: 'fstab fsck order field.' },
    state: {
      enum: ['mounted', 'present', 'unmounted', 'absent', 'remounted'],
      description: 'Required, except with swap. mounted: in fstab and mounted now (mount point created); present: in fstab only; unmounted: not mounted, fstab untouched; absent: not mounted and not in fstab; remounted: remount now (always a change).',
    },
    fstab: { type: 'string', pattern: '^/', default: '/etc/fstab', description: 'The fstab file to edit.' },
    backup: { type: 'boolean', default: false, description: 'Keep the previous fstab as FSTAB.YYYYmmddTHHMMSS~ when it changes.' },
    swap: {
      enum: ['off'],
      description: 'swap: off turns every active swap area off (swapoff) and comments out every swap line of fstab, as Kubernetes nodes need. Same as the Ansible form {path: none, fstype: swap, state: absent}.',
    },
  },
  // Any swap param (even a wrong one) lifts the need for state, so a bad swap value is the error shown.
  if: { required: ['swap'] },
  then: {},
  else: { required: ['state'] },
};

const SWAP_PATHS = new Set(['none', 'swap']);

/** The Ansible spelling of swap off: fstype swap, state absent (path none or swap). */
export function isSwapOff(p: MountParams): boolean {
  return p.swap === 'off' || (p.fstype === 'swap' && p.state === 'absent');
}

export const mount = defineModule<MountParams>({
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
    const path = p.path ?? p.name;
    if (isSwapOff(p)) {
      if (p.swap === 'off' && (path !== undefined || p.state !== undefined || p.fstype !== undefined || p.opts !== undefined)) {
        return { kind: 'fail', msg: 'swap: off stands alone (with src, fstab and backup at most): it turns every swap area off' };
      }
      if (path !== undefined && !SWAP_PATHS.has(path)) {
        return { kind: 'fail', msg: `fstype: swap with state: absent turns swap off; path must be "none" or "swap" (the mount point swap lines have), not ${path}` };
      }
      const facts = await ctx.fact(mountFact, { files: [fstab] });
      return planSwapOff({ fstab, backup: p.backup ?? false, src: p.src }, facts);
    }
    if (p.fstype === 'swap') return { kind: 'fail', msg: 'the mount module only turns swap off (swap: off, or fstype: swap with state: absent); use a swap unit or swapon to add swap' };
    if (path === undefined) return { kind: 'fail', msg: 'path is required' };
    if (!path.startsWith('/')) return { kind: 'fail', msg: `path must be an absolute mount point, not ${path}` };
    const state = p.state!;
    if ((state === 'mounted' || state === 'present') && (p.src === undefined || p.fstype === undefined)) {
      return { kind: 'fail', msg: `state=${state} needs src and fstype` };
    }
    const entry: FstabEntry = {
      src: p.src ?? '', path: normalizeMountPath(path), fstype: p.fstype ?? 'auto', opts: p.opts ?? 'defaults',
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
