import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { K8sbmError } from '../source/errors.js';
import { keyPosOf, locOf } from '../source/loc.js';
import { readYamlFile } from '../source/yaml.js';
import { isTemplated } from '../schema/coerce.js';
import { Fields, describeType, fail, isMapping } from './fields.js';
import { IMPORT_PLAYBOOK_KEYWORDS, stripFqcn } from '../schema/playbook-keywords.js';
import { parsePlay } from './play.js';
import { buildRole, locateRole } from './roles.js';
import { checkCycle } from './scope.js';
import { asList, findTaskFile, parseItemList } from './tasks.js';
/**
 * Reads playbooks, task files and roles into the typed model (model.ts), checking every keyword
 * and every module's params before anything runs. Static imports are expanded here; dynamic
 * includes are loaded by the engine through loadTasksFile / loadRole when a host reaches them.
 */
export class PlaybookLoader {
    #modules;
    #rolesPath;
    #yaml = new Map();
    /** Folders of the playbooks loaded so far (for roles included at run time). */
    #playbookDirs = [];
    #hooks;
    constructor(opts) {
        this.#modules = opts.modules;
        this.#rolesPath = opts.rolesPath;
        this.#hooks = {
            modules: this.#modules,
            readYaml: (file) => this.#readYaml(file),
            importRole: (req, scope) => buildRole({ ...req, entry: undefined, dedup: false }, scope, this.#hooks),
            locateRole: (name, loc, scope) => locateRole(name, loc, this.#roleSearchDirs(scope, undefined), scope.play.playbookDir),
            roleSearchDirs: (scope, near) => this.#roleSearchDirs(scope, near),
        };
    }
    loadPlaybook(file) {
        const abs = resolve(file);
        if (!existsSync(abs)) {
            throw new K8sbmError('K8SBM_FILE_NOT_FOUND', `playbook ${file} not found`, { hint: 'give the path of a playbook file (relative to the current folder)' });
        }
        return { file: abs, dir: dirname(abs), plays: this.#loadPlays(abs, []) };
    }
    /**
     * A playbook made as data rather than read from a file (ad-hoc `exec -m`): its nodes carry the
     * places they stand for (recordNode/recordKey), `label` names it where a file name would, and
     * `dir` is where relative paths are taken from.
     */
    loadPlaybookData(plays, label, dir) {
        this.#yaml.set(label, plays);
        return { file: label, dir, plays: this.#loadPlays(label, [], dir) };
    }
    /**
     * A tasks file named by include_tasks, loaded when a host reaches it. `chain` lists the files
     * and roles (`role:NAME`) being run around the include, for circular include detection.
     */
    loadTasksFile(file, from) {
        const scopeLike = { file: from.loc.file, role: from.role };
        const abs = isAbsolute(file) ? file : findTaskFile(file, from.loc, scopeLike, 'include_tasks').file;
        if (!existsSync(abs))
            findTaskFile(abs, from.loc, scopeLike, 'include_tasks');
        checkCycle(from.chain, abs, from.loc);
        const scope = {
            file: abs, role: from.role, chain: [...from.chain, abs], handlers: false,
            play: this.#runtimePlay(from.loc), handlerSink: [],
        };
        return parseItemList(asList(this.#readYaml(abs) ?? [], abs), scope, this.#hooks);
    }
    /** A role named by include_role, loaded when a host reaches it (params as written). */
    loadRole(name, from) {
        const scope = {
            file: from.loc.file, role: from.parentRole, chain: from.chain, handlers: false,
            play: this.#runtimePlay(from.loc), handlerSink: [],
        };
        return buildRole({ name, loc: from.loc, params: from.params, tasksFrom: from.tasksFrom, entry: undefined, dedup: false }, scope, this.#hooks, from.parentRole ? dirname(from.parentRole.path) : undefined);
    }
    #runtimePlay(loc) {
        return { playbookDir: this.#playbookDirs[0] ?? dirname(loc.file), seenRoles: new Map(), seenTemplates: new Set() };
    }
    #readYaml(file) {
        if (!this.#yaml.has(file))
            this.#yaml.set(file, readYamlFile(file));
        return this.#yaml.get(file);
    }
    /** rolesPath, then roles/ beside the playbook, then the playbook's own folder, then near the naming role. */
    #roleSearchDirs(scope, near) {
        const pb = scope.play.playbookDir;
        const dirs = [
            ...this.#rolesPath.map((p) => resolve(pb, p)),
            join(pb, 'roles'), pb,
            ...(near ? [near] : []),
            ...(scope.role ? [dirname(scope.role.path)] : []),
            ...this.#playbookDirs.flatMap((d) => [join(d, 'roles'), d]),
        ];
        return [...new Set(dirs)];
    }
    #loadPlays(file, chain, dir = dirname(file)) {
        const here = [...chain, file];
        if (!this.#playbookDirs.includes(dir))
            this.#playbookDirs.push(dir);
        const data = this.#readYaml(file);
        if (!Array.isArray(data)) {
            fail('K8SBM_NOT_A_LIST', `a playbook must hold a list of plays, got ${describeType(data)}`, locOf(data) ?? { file, line: 1, col: 1 }, 'start each play with "- hosts: ..." at the top level of the file');
        }
        const plays = [];
        data.forEach((entry, i) => {
            const at = keyPosOf(data, i)?.value ?? { file, line: 1, col: 1 };
            if (!isMapping(entry))
                fail('K8SBM_NOT_A_MAPPING', `each play must be a mapping, got ${describeType(entry)}`, at, 'start a play with "- hosts: ..." followed by its keywords');
            const importKey = Object.keys(entry).find((k) => stripFqcn(k) === 'import_playbook');
            if (importKey)
                plays.push(...this.#importPlaybook(entry, importKey, file, here, at));
            else
                plays.push(parsePlay(entry, { file, dir, chain: here, hooks: this.#hooks, fallback: at }));
        });
        return plays;
    }
    #importPlaybook(raw, key, file, chain, at) {
        const f = new Fields(raw, 'import_playbook', at);
        f.checkKeys([key, ...IMPORT_PLAYBOOK_KEYWORDS.filter((k) => k !== 'import_playbook')], 'import_playbook keyword');
        const name = f.string(key);
        if (!name)
            fail('K8SBM_KEYWORD_INVALID', 'import_playbook needs a file name', f.valueLoc(key), `write ${key}: other.yml`, f.subject);
        if (isTemplated(name)) {
            fail('K8SBM_IMPORT_TEMPLATED', `import_playbook: "${name}" depends on variables`, f.valueLoc(key), 'playbooks are imported before anything runs; name the file directly');
        }
        const target = resolve(dirname(file), name);
        if (!existsSync(target)) {
            throw new K8sbmError('K8SBM_FILE_NOT_FOUND', `playbook "${name}" not found`, {
                loc: f.valueLoc(key), details: [`looked in ${target}`], hint: 'the path is relative to the importing playbook',
            });
        }
        checkCycle(chain, target, f.valueLoc(key));
        const when = f.conditions('when') ?? [];
        const tags = f.stringList('tags', { commaSplit: true });
        const vars = f.mapping('vars') ?? {};
        // Ansible: the import's vars override the play's own, its condition and tags apply on top.
        return this.#loadPlays(target, chain).map((p) => ({
            ...p,
            when: [...when, ...p.when],
            tags: [...new Set([...tags, ...p.tags])],
            vars: { ...p.vars, ...vars },
        }));
    }
}
//# sourceMappingURL=loader.js.map