import { assertNever } from '../util/assert-never.js';
import { shouldRunByTags } from './tags.js';
/** Tasks a play would run, as far as can be known before running (dynamic includes are named). */
export function listPlayTasks(play, filter) {
    const out = [];
    const walk = (items, tags, role) => {
        for (const it of items) {
            const t = [...new Set([...tags, ...it.tags])];
            switch (it.kind) {
                case 'task':
                    if (shouldRunByTags(t, filter))
                        out.push({ name: `${role ? `${role.name} : ` : ''}${it.name ?? it.module}`, tags: t, file: it.loc.file, line: it.loc.line });
                    break;
                case 'block':
                    walk(it.block, t, it.role ?? role);
                    walk(it.rescue, t, it.role ?? role);
                    walk(it.always, t, it.role ?? role);
                    break;
                case 'include_tasks':
                    if (shouldRunByTags(t, filter))
                        out.push({ name: `include_tasks: ${it.file}`, tags: t, file: it.loc.file, line: it.loc.line });
                    break;
                case 'include_role':
                    if (shouldRunByTags(t, filter))
                        out.push({ name: `include_role: ${it.role}`, tags: t, file: it.loc.file, line: it.loc.line });
                    break;
                default: assertNever(it, 'item');
            }
        }
    };
    const roleWalk = (r, tags) => {
        const t = [...new Set([...tags, ...(r.entry?.tags ?? [])])];
        for (const d of r.dependencies)
            roleWalk(d, t);
        walk(r.tasks, t, r);
    };
    walk(play.preTasks, play.tags, undefined);
    for (const r of play.roles)
        roleWalk(r, play.tags);
    walk(play.tasks, play.tags, undefined);
    walk(play.postTasks, play.tags, undefined);
    return out;
}
//# sourceMappingURL=listing.js.map