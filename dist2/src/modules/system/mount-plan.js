import { mountAt, mountFact } from '../../facts/mount.js';
import { editableText, fileEffect, predictHostFile } from '../../facts/system-files.js';
import { commentOutSwap, removeFstabEntry, setFstabEntry } from './mount-fstab.js';
import { assertNever } from '../../util/assert-never.js';
import { systemOpsAction } from './system-apply.js';
/** What a mount task decides from the facts: the kernel side first, then the fstab text. */
export const MOUNT_STATES = ['mounted', 'present', 'unmounted', 'absent', 'remounted'];
const TAGGED_SOURCE = /^(UUID|LABEL|PARTUUID|PARTLABEL|ID)=/;
/**
 * Whether the source of a live mount can be compared with the one asked for. Tags (UUID=...)
 * and /dev/disk/ links name a device the kernel shows by its real name, and a bind mount shows
 * the device of its source: those are trusted, as Ansible does.
 */
export function sourceComparable(e) {
    return !TAGGED_SOURCE.test(e.src) && !e.src.startsWith('/dev/disk/') && !/(^|,)r?bind(,|$)/.test(e.opts);
}
/** Why the live mount is not the one asked for (so it must be unmounted and mounted again), if it is not. */
export function liveMismatch(live, e) {
    if (e.fstype !== 'auto' && e.fstype !== 'none' && !/(^|,)r?bind(,|$)/.test(e.opts) && live.fstype !== e.fstype) {
        return `mounted as ${live.fstype}, not ${e.fstype}`;
    }
    if (sourceComparable(e) && live.src !== e.src)
        return `mounted from ${live.src}, not ${e.src}`;
    return undefined;
}
const stateOf = (m) => m ? { mounted: true, src: m.src, fstype: m.fstype, opts: m.opts } : { mounted: false };
export function planMount(req, facts) {
    const { entry: e, state, fstab } = req;
    const hf = facts.files[fstab];
    const editable = editableText(hf, fstab);
    if ('error' in editable)
        return { kind: 'fail', msg: editable.error };
    const text = editable.text;
    if (!hf.exists && (state === 'present' || state === 'mounted') && hf.parentIsDir === false) {
        return { kind: 'fail', msg: `cannot create ${fstab}: its directory does not exist` };
    }
    const live = mountAt(facts, e.path);
    const newText = state === 'present' || state === 'mounted' ? setFstabEntry(text, e)
        : state === 'absent' ? removeFstabEntry(text, e.path) : text;
    const fstabChanged = newText !== text;
    const ops = [];
    const summary = [];
    let after = live;
    const mount = () => {
        ops.push({ op: 'run', argv: ['mkdir', '-p', '--', e.path] }, { op: 'run', argv: ['mount', '-t', e.fstype, '-o', e.opts, '--', e.src, e.path] });
        after = { path: e.path, src: e.src, fstype: e.fstype, opts: e.opts, root: '/' };
    };
    const unmount = () => {
        ops.push({ op: 'run', argv: ['umount', '--', e.path] });
        after = undefined;
    };
    switch (state) {
        case 'present':
            break;
        case 'mounted': {
            const mismatch = live && liveMismatch(live, e);
            if (!live) {
                mount();
                summary.push(`mount ${e.src} on ${e.path} (${e.fstype}, ${e.opts})`);
            }
            else if (mismatch) {
                unmount();
                mount();
                summary.push(`${e.path} is ${mismatch}: unmount it and mount ${e.src} (${e.fstype}, ${e.opts})`);
            }
            else if (fstabChanged) {
                // As Ansible: a changed fstab entry of a mounted filesystem is applied by a remount.
                ops.push({ op: 'run', argv: ['mount', '-o', `remount,${e.opts}`, '--', e.path] });
                after = { ...live, opts: e.opts };
                summary.push(`remount ${e.path} with ${e.opts}`);
            }
            break;
        }
        case 'unmounted':
        case 'absent':
            if (live) {
                unmount();
                summary.push(`unmount ${e.path}`);
            }
            break;
        case 'remounted': {
            if (!live)
                return { kind: 'fail', msg: `${e.path} is not mounted, so it cannot be remounted (state: mounted mounts it)` };
            const opts = req.remountOpts;
            ops.push({ op: 'run', argv: ['mount', '-o', opts ? `remount,${opts}` : 'remount', '--', e.path] });
            if (opts)
                after = { ...live, opts };
            summary.push(`remount ${e.path}${opts ? ` with ${opts}` : ''}`);
            break;
        }
        default:
            return assertNever(state, 'mount state');
    }
    if (fstabChanged)
        summary.push(`${hf.exists ? 'update' : 'create'} ${fstab}`);
    if (ops.length === 0 && !fstabChanged)
        return { kind: 'ok', reason: okReason(req, live, fstab), result: { path: e.path, state } };
    const diffs = [];
    if (ops.length)
        diffs.push({ kind: 'state', subject: `mount ${e.path}`, before: stateOf(live), after: stateOf(after) });
    // An unmount uncovers whatever was mounted below at the same path: only the top mount goes.
    const others = facts.mounts.filter((m) => m !== live);
    return finishPlan(req, hf, text, newText, ops, diffs, summary, { ...facts, mounts: after ? [...others, after] : others });
}
/** Swap off: every active swap area (or the one `src` names) turned off, its fstab lines commented out. */
export function planSwapOff(req, facts) {
    const hf = facts.files[req.fstab];
    const editable = editableText(hf, req.fstab);
    if ('error' in editable)
        return { kind: 'fail', msg: editable.error };
    const { text: newText, entries } = commentOutSwap(editable.text, req.src);
    const active = facts.swaps.filter((s) => req.src === undefined || s.file === req.src);
    const ops = active.map((s) => ({ op: 'run', argv: ['swapoff', '--', s.file] }));
    const what = req.src ? `swap ${req.src}` : 'swap';
    if (ops.length === 0 && entries.length === 0) {
        return { kind: 'ok', reason: `${what} is off: ${facts.swaps.length ? `${req.src} is not in /proc/swaps` : 'no active swap in /proc/swaps'}, no active swap line in ${req.fstab}`, result: { swap: 'off' } };
    }
    const summary = [];
    if (ops.length)
        summary.push(`swapoff ${active.map((s) => s.file).join(', ')}`);
    if (entries.length)
        summary.push(`comment out ${entries.length} swap line${entries.length > 1 ? 's' : ''} in ${req.fstab}`);
    const diffs = ops.length ? [{ kind: 'state', subject: 'swap', before: { active: active.map((s) => s.file) }, after: { active: [] } }] : [];
    const swaps = facts.swaps.filter((s) => !active.includes(s));
    return finishPlan({ fstab: req.fstab, backup: req.backup }, hf, editable.text, newText, ops, diffs, summary, { ...facts, swaps });
}
function finishPlan(req, hf, text, newText, ops, diffs, summary, next) {
    const actions = [];
    // The kernel first, fstab after: a mount that fails leaves no entry behind that would fail at boot.
    if (ops.length)
        actions.push(systemOpsAction(ops));
    const effects = [];
    let files = next.files;
    if (newText !== text) {
        const predicted = predictHostFile(hf, newText);
        actions.push({ kind: 'upload', dest: req.fstab, content: Buffer.from(newText, 'utf8'), backup: req.backup });
        diffs.push({ kind: 'text', subject: req.fstab, before: hf.exists ? text : null, after: newText });
        files = { ...files, [req.fstab]: predicted };
        effects.push(fileEffect(req.fstab, predicted));
    }
    effects.unshift({ fact: mountFact.name, key: mountFact.key({ files: [] }), value: { ...next, files } });
    return { kind: 'change', summary: summary.join('; '), diffs, actions, effects };
}
function okReason(req, live, fstab) {
    const p = req.entry.path;
    switch (req.state) {
        case 'mounted': return `${p} is mounted (${live.src}, ${live.fstype}) and ${fstab} has its entry`;
        case 'present': return `${fstab} already has ${p} (${req.entry.src}, ${req.entry.fstype}, ${req.entry.opts})`;
        case 'unmounted': return `${p} is not mounted`;
        case 'absent': return `${p} is not mounted and not in ${fstab}`;
        case 'remounted': return `${p} is remounted`;
        default: return assertNever(req.state, 'mount state');
    }
}
//# sourceMappingURL=mount-plan.js.map