import { compareVersions, isExactVersion, versionSatisfies } from './package-spec.js';
/**
 * The package module's decision, the same for apt and dnf: what to install, upgrade, downgrade,
 * remove, hold and release, and why the rest needs nothing. Pure (facts in, decision out).
 */
export const PACKAGE_STATES = ['present', 'absent', 'latest'];
function describeCacheAge(age) {
    if (age === null)
        return 'never refreshed';
    if (age < 120)
        return `${age} s old`;
    if (age < 7200)
        return `${Math.round(age / 60)} min old`;
    if (age < 172800)
        return `${Math.round(age / 3600)} h old`;
    return `${Math.round(age / 86400)} days old`;
}
/** Why the lists need a refresh, or null when they are fresh enough (apt: cache_valid_time). */
export function cacheRefreshReason(input) {
    if (input.backend === 'dnf')
        return 'refresh repository metadata';
    const age = input.facts.cacheAge;
    if (input.cacheValidTime > 0 && age !== null && age <= input.cacheValidTime)
        return null;
    return `refresh package lists (${describeCacheAge(age)}${input.cacheValidTime > 0 ? `, valid for ${input.cacheValidTime} s` : ''})`;
}
export function cacheFreshReason(input) {
    return `package lists are ${describeCacheAge(input.facts.cacheAge)} (valid for ${input.cacheValidTime} s)`;
}
function stateOf(facts, name) {
    return facts.packages[name] ?? { installed: false };
}
export function decidePackages(input) {
    const { backend, facts, state } = input;
    const install = [];
    const upgrade = [];
    const downgrade = [];
    const remove = [];
    const purge = [];
    const hold = [];
    const unhold = [];
    const rehold = [];
    const unchanged = [];
    const errors = [];
    let changesHeld = false;
    const refresh = input.updateCache ? cacheRefreshReason(input) : null;
    for (const spec of input.specs) {
        const st = stateOf(facts, spec.name);
        const at = st.version ? ` ${st.version}` : '';
        const predicted = st.predicted ? ' (predicted by an earlier task)' : '';
        if (state === 'absent') {
            if (st.held && input.hold !== false && st.installed) {
                errors.push(`${spec.name} is held at ${st.version}: removing it needs hold: false`);
                continue;
            }
            if (st.installed)
                (input.purge ? purge : remove).push({ spec, from: st.version, to: undefined });
            else if (input.purge && st.status === 'config-files')
                purge.push({ spec, from: st.version, to: undefined });
            else
                unchanged.push(`${spec.name} is not installed${st.status === 'config-files' ? ' (configuration files left; purge: true removes them)' : ''}${predicted}`);
            if (st.held && input.hold === false)
                unhold.push(spec.name);
            continue;
        }
        let moved = false;
        if (!st.installed) {
            if (state === 'latest' && st.candidate === null && !refresh) {
                errors.push(`no repository offers ${spec.name} (update_cache: true refreshes the package lists first)`);
                continue;
            }
            install.push({ spec, from: undefined, to: spec.version ?? (st.candidate ?? undefined) });
            moved = true;
        }
        else if (spec.version !== undefined && !versionSatisfies(st.version ?? '', spec.version, backend)) {
            const exact = isExactVersion(spec.version);
            const cmp = exact && st.version ? compareVersions(spec.version, st.version, backend) : 1;
            (cmp < 0 ? downgrade : upgrade).push({ spec, from: st.version, to: exact ? spec.version : undefined });
            moved = true;
        }
        else if (state === 'latest' && !st.predicted) {
            const newer = st.candidate != null && st.version !== undefined && compareVersions(st.candidate, st.version, backend) > 0;
            if (st.held && input.hold === undefined && (newer || refresh)) {
                unchanged.push(`${spec.name} is held at${at}${newer ? ` (${st.candidate} available)` : ''}: hold: true or false lets latest move it`);
            }
            else if (newer) {
                upgrade.push({ spec, from: st.version, to: st.candidate ?? undefined });
                moved = true;
            }
            else if (refresh) {
                // The lists are stale: what is newest is only known after the refresh.
                upgrade.push({ spec, from: st.version, to: undefined });
                moved = true;
            }
            else {
                unchanged.push(`${spec.name}${at} is the newest version${st.candidate === null ? ' (no repository offers it)' : ''}`);
            }
        }
        else {
            const matches = spec.version !== undefined && spec.version !== st.version ? ` (matches ${spec.version})` : '';
            unchanged.push(`${spec.name}${at} is installed${matches}${predicted}`);
        }
        if (input.hold === true && !st.held)
            hold.push(spec.name);
        if (input.hold === false && st.held)
            unhold.push(spec.name);
        if (moved && st.held && input.hold !== false) {
            changesHeld = true;
            rehold.push(spec.name);
        }
    }
    const installs = install.length + upgrade.length + downgrade.length;
    // The lists matter only to what is fetched: no install, no refresh (and no change to report).
    const update = refresh !== null && (installs > 0 || input.specs.length === 0) ? refresh : null;
    return { backend, install, upgrade, downgrade, remove, purge, hold, unhold, changesHeld, rehold, update, unchanged, errors };
}
export function hasChanges(d) {
    return d.install.length + d.upgrade.length + d.downgrade.length + d.remove.length + d.purge.length
        + d.hold.length + d.unhold.length > 0 || d.update !== null;
}
/** "kubelet 1.31.1-1.1 -> 1.31.2-1.1" */
export function describeMove(m) {
    if (m.from === undefined)
        return m.to !== undefined ? `${m.spec.name} ${m.to}` : m.spec.name;
    return `${m.spec.name} ${m.from} -> ${m.to ?? 'newest'}`;
}
/** One line naming every change, for the plan's summary. */
export function summarizeDecision(d) {
    const parts = [];
    if (d.update)
        parts.push(d.update);
    const list = (verb, ms) => { if (ms.length)
        parts.push(`${verb} ${ms.map(describeMove).join(', ')}`); };
    list('install', d.install);
    list('upgrade', d.upgrade);
    list('downgrade', d.downgrade);
    const gone = (verb, ms) => {
        if (ms.length)
            parts.push(`${verb} ${ms.map((m) => `${m.spec.name}${m.from ? ` ${m.from}` : ''}`).join(', ')}`);
    };
    gone('remove', d.remove);
    gone('purge', d.purge);
    if (d.unhold.length)
        parts.push(`release hold on ${d.unhold.join(', ')}`);
    if (d.hold.length)
        parts.push(`hold ${d.hold.join(', ')}`);
    return parts.join('; ');
}
/** Before/after of every package the task touches, for --diff. */
export function decisionStates(d, facts) {
    const before = {};
    const after = {};
    const describe = (s) => {
        if (!s || !s.installed)
            return s?.status === 'config-files' ? 'config files only' : 'absent';
        return `${s.version ?? 'installed'}${s.held ? ' (held)' : ''}`;
    };
    const names = new Set();
    for (const ms of [d.install, d.upgrade, d.downgrade, d.remove, d.purge])
        for (const m of ms)
            names.add(m.spec.name);
    for (const n of [...d.hold, ...d.unhold])
        names.add(n);
    for (const name of names) {
        const now = facts.packages[name];
        before[name] = describe(now);
        const predicted = predictPackage(d, name, now);
        after[name] = describe(predicted);
    }
    return { before, after };
}
/** What the host will say about one package after the decision runs. */
export function predictPackage(d, name, now) {
    const held = (now?.held && !d.unhold.includes(name)) || d.hold.includes(name);
    const gone = [...d.remove, ...d.purge].some((m) => m.spec.name === name);
    // dpkg keeps a removed package's configuration files; rpm leaves nothing to track.
    const keepsConfig = d.backend === 'apt' && d.remove.some((m) => m.spec.name === name);
    if (gone)
        return { installed: false, predicted: true, ...(held ? { held: true } : {}), ...(keepsConfig ? { status: 'config-files', version: now?.version } : {}) };
    const move = [...d.install, ...d.upgrade, ...d.downgrade].find((m) => m.spec.name === name);
    if (move)
        return { installed: true, version: move.to, predicted: true, ...(held ? { held: true } : {}) };
    return { ...(now ?? { installed: false }), held: held || undefined, predicted: true };
}
//# sourceMappingURL=package-decide.js.map