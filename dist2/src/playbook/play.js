import { didYouMean } from '../source/errors.js';
import { keyPosOf } from '../source/loc.js';
import { isTemplated } from '../schema/coerce.js';
import { Fields, fail } from './fields.js';
import { readInheritable } from './inherit.js';
import { PLAY_KEYWORDS, TASK_KEYWORDS, stripFqcn } from '../schema/playbook-keywords.js';
import { buildRole, parseRoleEntry } from './roles.js';
import { checkKeywordTemplates } from './template-check.js';
import { parseHandlerList, parseItemList } from './tasks.js';
const STRATEGIES = ['linear', 'free'];
function playHint(hooks) {
    return (key) => {
        if (key === 'when')
            return 'a play has no `when`; put the condition on its tasks, a block, or an import_playbook';
        if (TASK_KEYWORDS.includes(key) || Object.hasOwn(hooks.modules, stripFqcn(key))) {
            return didYouMean(key, PLAY_KEYWORDS) ?? `"${key}" belongs to a task; put the task under tasks:`;
        }
        return undefined;
    };
}
/** hosts: a pattern string, or a list of patterns (joined with ",", as Ansible does). */
function readHosts(f) {
    const v = f.raw.hosts;
    const parts = Array.isArray(v) ? v : [v];
    if (v === undefined || v === null || parts.length === 0 || parts.some((p) => (typeof p !== 'string' && typeof p !== 'number') || String(p).trim() === '')) {
        fail('K8SBM_PLAY_NO_HOSTS', v === undefined ? 'this play has no hosts' : 'hosts must be a pattern or a list of patterns', f.has('hosts') ? f.valueLoc('hosts') : f.loc, 'add hosts: with a group or host pattern, e.g. hosts: control_plane (or hosts: all)', f.subject);
    }
    return parts.map((p) => String(p).trim()).join(',');
}
/** serial: 3, "30%", or a list of them (the last repeats). */
function readSerial(f) {
    const v = f.raw.serial;
    if (v === undefined || v === null)
        return [];
    const items = Array.isArray(v) ? v : [v];
    return items.map((item, i) => {
        const loc = Array.isArray(v) ? keyPosOf(v, i)?.value ?? f.valueLoc('serial') : f.valueLoc('serial');
        if (typeof item === 'number' && Number.isInteger(item) && item > 0)
            return item;
        if (typeof item === 'string') {
            const s = item.trim();
            if (/^\d+$/.test(s) && Number(s) > 0)
                return Number(s);
            if (/^\d+(\.\d+)?%$/.test(s) && Number(s.slice(0, -1)) > 0 && Number(s.slice(0, -1)) <= 100)
                return s;
            if (isTemplated(s))
                return s;
        }
        fail('K8SBM_KEYWORD_INVALID', `serial must be a positive number or a percentage, got ${JSON.stringify(item)}`, loc, 'write serial: 1, serial: "30%", or a list such as [1, 5, "50%"]', f.subject);
    });
}
function readVarsFiles(f) {
    const v = f.raw.vars_files;
    if (v === undefined || v === null)
        return [];
    const items = typeof v === 'string' ? [v] : f.list('vars_files') ?? [];
    return items.map((item) => {
        if (typeof item === 'string')
            return item;
        if (Array.isArray(item) && item.length > 0 && item.every((x) => typeof x === 'string'))
            return item;
        return fail('K8SBM_KEYWORD_INVALID', 'each vars_files entry must be a file name, or a list of file names (the first found is used)', f.valueLoc('vars_files'), 'write vars_files:\n  - vars/common.yml', f.subject);
    });
}
const PLAY_ITEM_KEYS = new Set(['pre_tasks', 'tasks', 'post_tasks', 'handlers', 'roles']);
export function parsePlay(raw, ctx) {
    const pre = new Fields(raw, 'play', ctx.fallback);
    const named = typeof raw.name === 'string' ? raw.name : undefined;
    const f = new Fields(raw, named !== undefined ? `play "${named}"` : 'play', pre.loc);
    f.checkKeys(PLAY_KEYWORDS, 'play keyword', playHint(ctx.hooks));
    const hosts = readHosts(f);
    const state = { playbookDir: ctx.dir, seenRoles: new Map(), seenTemplates: new Set() };
    const sink = [];
    const scope = { file: ctx.file, role: undefined, chain: ctx.chain, handlers: false, play: state, handlerSink: sink };
    const items = (key) => parseItemList(f.list(key) ?? [], scope, ctx.hooks);
    const roleList = f.list('roles') ?? [];
    const roles = [];
    roleList.forEach((entry, i) => {
        const at = keyPosOf(roleList, i)?.value ?? f.valueLoc('roles');
        const role = buildRole(parseRoleEntry(entry, at, 'a roles: entry'), scope, ctx.hooks);
        if (role)
            roles.push(role);
    });
    const preTasks = items('pre_tasks');
    const tasks = items('tasks');
    const postTasks = items('post_tasks');
    const handlers = parseHandlerList(f.list('handlers') ?? [], scope, ctx.hooks);
    const strategy = f.string('strategy') ?? 'linear';
    if (!STRATEGIES.includes(strategy)) {
        fail('K8SBM_KEYWORD_INVALID', `strategy "${strategy}" is not supported`, f.valueLoc('strategy'), didYouMean(strategy, STRATEGIES) ?? `use one of ${STRATEGIES.join(', ')}`, f.subject);
    }
    checkKeywordTemplates(raw, (k) => PLAY_ITEM_KEYS.has(k), f.loc);
    return {
        name: f.string('name') ?? hosts,
        hosts,
        loc: f.loc,
        ...readInheritable(f),
        varsFiles: readVarsFiles(f),
        baseDir: ctx.dir,
        roles,
        preTasks,
        tasks,
        postTasks,
        handlers: [...handlers, ...sink],
        gatherFacts: f.bool('gather_facts') ?? true,
        serial: readSerial(f),
        maxFailPercentage: f.number('max_fail_percentage', { min: 0, max: 100 }),
        strategy: strategy,
    };
}
//# sourceMappingURL=play.js.map