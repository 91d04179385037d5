import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { AnyModule } from '../modules/types.js';
import { K8sbmError } from '../source/errors.js';
import { type Loc, keyPosOf, locOf } from '../source/loc.js';
import { readYamlFile } from '../vault/yaml.js';
import { isTemplated } from '../schema/coerce.js';
import { Fields, type Raw, describeType, fail, isMapping } from './fields.js';
import { IMPORT_PLAYBOOK_KEYWORDS, stripFqcn } from '../schema/playbook-keywords.js';
import type { Item, Play, Playbook, RoleInstance } from './model.js';
import { parsePlay } from './play.js';
import { type RoleHooks, buildRole, locateRole } from './roles.js';
import { type ParseScope, type PlayState, checkCycle } from './scope.js';
import { asList, findTaskFile, parseItemList } from './tasks.js';

export interface PlaybookLoaderOptions {
  readonly modules: Readonly<Record<string, AnyModule>>;
  /** Folders holding roles (each role a subfolder), searched before roles/ beside the playbook. */
  readonly rolesPath: readonly string[];
}

/**
 * Reads playbooks, task files and roles into the typed model (model.ts), checking every keyword
 * and every module's params before anything runs. Static imports are expanded here; dynamic
 * includes are loaded by the engine through loadTasksFile / loadRole when a host reaches them.
 */
export class PlaybookLoader {
  readonly #modules: Readonly<Record<string, AnyModule>>;
  readonly #rolesPath: readonly string[];
  readonly #yaml = new Map<string, unknown>();
  /** Folders of the playbooks loaded so far (for roles included at run time). */
  readonly #playbookDirs: string[] = [];
  readonly #hooks: RoleHooks;

  constructor(opts: PlaybookLoaderOptions) {
    this.#modules = opts.modules;
    this.#rolesPath = opts.rolesPath;
    this.#hooks = {
      modules: this.#modules,
      readYaml: (file, vars) => this.#readYaml(file, vars),
      importRole: (req, scope) => buildRole({ ...req, entry: undefined, dedup: false }, scope, this.#hooks)!,
      locateRole: (name, loc, scope) => locateRole(name, loc, this.#roleSearchDirs(scope, undefined), scope.play.playbookDir),
      roleSearchDirs: (scope, near) => this.#roleSearchDirs(scope, near),
    };
  }

  loadPlaybook(file: string): Playbook {
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
  loadPlaybookData(plays: unknown, label: string, dir: string): Playbook {
    this.#yaml.set(label, plays);
    return { file: label, dir, plays: this.#loadPlays(label, [], dir) };
  }

  /**
   * A tasks file named by include_tasks, loaded when a host reaches it. `chain` lists the files
   * and roles (`role:NAME`) being run around the include, for circular include detection.
   */
  loadTasksFile(file: string, from: { loc: Loc; role?: RoleInstance | undefined; chain: readonly string[] }): Item[] {
    const scopeLike = { file: from.loc.file, role: from.role };
    const abs = isAbsolute(file) ? file : findTaskFile(file, from.loc, scopeLike, 'include_tasks').file;
    if (!existsSync(abs)) findTaskFile(abs, from.loc, scopeLike, 'include_tasks');
    checkCycle(from.chain, abs, from.loc);
    const scope: ParseScope = {
      file: abs, role: from.role, chain: [...from.chain, abs], handlers: false,
      play: this.#runtimePlay(from.loc), handlerSink: [],
    };
    return parseItemList(asList(this.#readYaml(abs) ?? [], abs), scope, this.#hooks);
  }

  /** A role named by include_role, loaded when a host reaches it (params as written). */
  loadRole(name: string, from: { loc: Loc; params: Readonly<Record<string, unknown>>; tasksFrom?: string | undefined; chain: readonly string[]; parentRole?: RoleInstance | undefined }): RoleInstance {
    const scope: ParseScope = {
      file: from.loc.file, role: from.parentRole, chain: from.chain, handlers: false,
      play: this.#runtimePlay(from.loc), handlerSink: [],
    };
    return buildRole({ name, loc: from.loc, params: from.params as Raw, tasksFrom: from.tasksFrom, entry: undefined, dedup: false }, scope, this.#hooks, from.parentRole ? dirname(from.parentRole.path) : undefined)!;
  }

  #runtimePlay(loc: Loc): PlayState {
    return { playbookDir: this.#playbookDirs[0] ?? dirname(loc.file), seenRoles: new Map(), seenTemplates: new Set() };
  }

  #readYaml(file: string, vars = false): unknown {
    if (!this.#yaml.has(file)) this.#yaml.set(file, readYamlFile(file, { vars }));
    return this.#yaml.get(file);
  }

  /** rolesPath, then roles/ beside the playbook, then the playbook's own folder, then near the naming role. */
  #roleSearchDirs(scope: ParseScope, near: string | undefined): string[] {
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

  #loadPlays(file: string, chain: readonly string[], dir = dirname(file)): Play[] {
    const here = [...chain, file];
    if (!this.#playbookDirs.includes(dir)) this.#playbookDirs.push(dir);
    const data = this.#readYaml(file);
    if (!Array.isArray(data)) {
      fail('K8SBM_NOT_A_LIST', `a playbook must hold a list of plays, got ${describeType(data)}`, locOf(data) ?? { file, line: 1, col: 1 },
        'start each play with "- hosts: ..." at the top level of the file');
    }
    const plays: Play[] = [];
    data.forEach((entry, i) => {
      const at = keyPosOf(data, i)?.value ?? { file, line: 1, col: 1 };
      if (!isMapping(entry)) fail('K8SBM_NOT_A_MAPPING', `each play must be a mapping, got ${describeType(entry)}`, at, 'start a play with "- hosts: ..." followed by its keywords');
      const importKey = Object.keys(entry).find((k) => stripFqcn(k) === 'import_playbook');
      if (importKey) plays.push(...this.#importPlaybook(entry, importKey, file, here, at));
      else plays.push(parsePlay(entry, { file, dir, chain: here, hooks: this.#hooks, fallback: at }));
    });
    return plays;
  }

  #importPlaybook(raw: Raw, key: string, file: string, chain: readonly string[], at: Loc): Play[] {
    const f = new Fields(raw, 'import_playbook', at);
    f.checkKeys([key, ...IMPORT_PLAYBOOK_KEYWORDS.filter((k) => k !== 'import_playbook')], 'import_playbook keyword');
    const name = f.string(key);
    if (!name) fail('K8SBM_KEYWORD_INVALID', 'import_playbook needs a file name', f.valueLoc(key), `write ${key}: other.yml`, f.subject);
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
