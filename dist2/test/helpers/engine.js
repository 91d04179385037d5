import { join } from 'node:path';
import { runPlaybook } from '../../src/engine/run.js';
import { loadInventory } from '../../src/inventory/index.js';
import { modules } from '../../src/modules/index.js';
import { PlaybookLoader } from '../../src/playbook/index.js';
import { MemoryConnection } from '../../src/transport/memory.js';
import { parseExtraVars } from '../../src/vars/extra.js';
import { tempTree } from './temp.js';
/** A temp folder `k8sbm-engine-*` holding `files`, removed when `scope` ends or the process exits. */
export function writeTree(files, scope) {
    return tempTree('engine', files, scope);
}
/** Run a playbook from YAML text against in-memory hosts (scripted responders). */
export async function runEngine(c) {
    const dir = writeTree(c.files);
    const inventory = await loadInventory([join(dir, c.inventory ?? 'hosts.ini')]);
    const loader = new PlaybookLoader({ modules, rolesPath: [] });
    const playbook = loader.loadPlaybook(join(dir, c.playbook ?? 'site.yml'));
    const events = [];
    const connections = new Map();
    const connect = (spec) => {
        const conn = new MemoryConnection(spec.host, c.responders ?? [], c.unreachable?.[spec.host]);
        connections.set(spec.host, conn);
        return conn;
    };
    const outcome = await runPlaybook(playbook, {
        inventory, loader, modules, connect, emit: (e) => { events.push(e); c.onEvent?.(e); },
        check: c.check ?? false, diff: c.diff ?? false, forks: c.forks, limit: c.limit,
        tags: { only: c.tags ?? [], skip: c.skipTags ?? [] }, extraVars: parseExtraVars(c.extraVars ?? [], dir),
        startAtTask: c.startAtTask, detailedExitCode: c.detailedExitCode,
    });
    const results = events.filter((e) => e.event === 'task_result');
    return { dir, events, results, outcome, connections, lines: results.map((r) => `${r.host} ${r.task}${r.item !== undefined ? ` [${r.item}]` : ''} ${r.status}`) };
}
/** An inventory of memory hosts (the factory above ignores connection kinds). */
export function memoryInventory(groups) {
    return Object.entries(groups).map(([g, hs]) => `[${g}]\n${hs.join('\n')}\n`).join('\n');
}
//# sourceMappingURL=engine.js.map