/**
 * The fuzz driver (run as a child process by test/unit/fuzz.test.ts, so a hang is caught by
 * its timeout): mutates a playbook, a role, an INI and a YAML inventory and a vars file with a
 * seeded generator, loads each case as `k8sbm run --syntax-check` would (inventory, playbook,
 * templates, conditions, host patterns), and reports every case that ended in anything but
 * success or a coded K8sbmError. Output: one JSON line per bad case on stdout; a progress line
 * per case on stderr (the last one names the case that hung).
 *
 *     node fuzz-driver.js SEED CASES
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory, selectHosts } from '../../src/inventory/index.js';
import { modules } from '../../src/modules/index.js';
import { PlaybookLoader } from '../../src/playbook/index.js';
import { isK8sbmError } from '../../src/source/errors.js';
import { formatError } from '../../src/source/errors.js';
import { parseExtraVars } from '../../src/vars/extra.js';

/** mulberry32: small, seeded, the same cases on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What attackers and unlucky operators type: shell, YAML, template and encoding trouble. */
export const NASTY = [
  '{{', '}}', '{{ x }}', '{{ lookup("env", "HOME") }}', '{%', '%}', '{#', '{{#each groups}}', '{{/each}}', '{{> p}}',
  '\0', '\u0001', '\r', '\r\n', '\t', '\u2028', '\u202e', '\ufeff', '\uffff', '\ud800', 'é', '😀', '\u0000\u0000',
  '$(touch /tmp/k8sbm-fuzz-canary)', '`touch /tmp/k8sbm-fuzz-canary`', '; touch /tmp/k8sbm-fuzz-canary', '| sh', '&& id', "'", '"', '\\', '\\\\',
  ':', ': ', '- ', '? ', '*a', '&a ', '!!binary', '!!python/object:os.system', '!vault |', '!unsafe ', '%YAML 1.1\n---\n', '---\n', '...\n',
  '#', '{', '}', '[', ']', ',', '=', ' = ', '[0:999999999]', '[a:z]', '~(', '!', '&', '@', 'all:!', ':children]', '[g:vars]\n', '[',
  'when: ', 'loop: ', 'notify: ', 'become_user: ', 'timeout: -1', 'timeout: 1e309', 'x'.repeat(5000), '9'.repeat(400), '-0', '0x', '1e999',
  '<<: *a', 'null', '~', 'yes', 'on', '.inf', '.nan',
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

/** One random edit of a text: insert trouble, delete, repeat or swap lines, nest, truncate. */
export function mutate(r: () => number, text: string): string {
  const at = Math.floor(r() * (text.length + 1));
  const lines = text.split('\n');
  const li = Math.floor(r() * lines.length);
  switch (Math.floor(r() * 9)) {
    case 0: case 1: case 2: return text.slice(0, at) + pick(r, NASTY) + text.slice(at);
    case 3: return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 20));
    case 4: return [...lines.slice(0, li), lines[li]!, ...lines.slice(li)].join('\n');
    case 5: {
      const lj = Math.floor(r() * lines.length);
      const out = [...lines];
      [out[li], out[lj]] = [out[lj]!, out[li]!];
      return out.join('\n');
    }
    case 6: {
      // Deep nesting of every kind that nests: YAML flow, expressions, template blocks.
      const n = 1 + Math.floor(r() * 3000);
      const [open, close] = pick(r, [['[', ']'], ['{a: ', '}'], ['(', ')'], ['not ', ''], ['-', ''], ['{{#if x}}', '{{/if}}'], ['{{#each l}}', '{{/each}}']] as const);
      return `${text.slice(0, at)}${open.repeat(n)}1${close.repeat(Math.floor(r() * (n + 1)))}${text.slice(at)}`;
    }
    case 7: return text.slice(0, at);
    default: return text.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x3000)) + text.slice(at);
  }
}

const PLAYBOOK = `- name: fuzzed play
  hosts: "{{ target_hosts | default('web') }}"
  gather_facts: false
  vars:
    port: 6443
    items: [a, b]
  tasks:
    - name: "a task {{ port }}"
      command: echo {{ port | quote }}
      register: out
      when: port is defined and out is not defined
      timeout: 30
    - name: loop
      copy: { content: "{{ item }}\\n", dest: "/tmp/x-{{ item }}", mode: "0644" }
      loop: "{{ items }}"
      notify: restart
    - block:
        - include_role: { name: base }
      rescue:
        - debug: { msg: "{{ out.stdout | default('') | upper }}" }
      become: true
      become_user: "{{ run_as | default('root') }}"
  handlers:
    - name: restart
      service: { name: nginx, state: restarted }
`;

const ROLE_TASKS = `- name: template
  template: { src: t.j2, dest: /etc/t }
- set_fact: { x: "{{ port + 1 }}" }
- assert: { that: ["x | int > 1"] }
`;

const TEMPLATE = '{{#each items}}{{this}}\n{{/each}}port={{ port }}\n{{ x | default(1) }}\n';

const INI = `[web]
web[01:03].example.com ansible_user=ops
db ansible_host=10.0.0.5 ansible_port=2222

[web:vars]
http_port=80

[all:children]
web
`;

const YAML_INV = `all:
  hosts:
    n1: { ansible_host: 10.0.0.1 }
  children:
    web:
      hosts:
        web[1:3]:
      vars: { http_port: 80, list: [1, 2, &a x], ref: *a }
`;

const VARS = 'target_hosts: web\nrun_as: root\nnested: { a: [1, {b: "{{ port }}"}] }\n';

interface Bad { readonly case: number; readonly what: string; readonly error: string; readonly input: string }

function attempt(n: number, what: string, input: string, fn: () => unknown, bad: Bad[]): Promise<void> {
  return Promise.resolve().then(fn).then(() => undefined, (e: unknown) => {
    if (isK8sbmError(e) && /^K8SBM_[A-Z0-9_]+$/.test(e.code)) {
      // Formatting the error (excerpt, caret) must not fail either.
      try { formatError(e); } catch (f) { bad.push({ case: n, what: `${what} (formatting)`, error: String((f as Error).stack ?? f), input }); }
      return;
    }
    bad.push({ case: n, what, error: String((e as Error)?.stack ?? e), input });
  });
}

export async function fuzz(seed: number, cases: number, dir: string, progress: (s: string) => void): Promise<Bad[]> {
  const r = rng(seed);
  const bad: Bad[] = [];
  for (let n = 0; n < cases; n++) {
    const d = join(dir, `c${n}`);
    mkdirSync(join(d, 'roles', 'base', 'tasks'), { recursive: true });
    mkdirSync(join(d, 'roles', 'base', 'templates'), { recursive: true });
    mkdirSync(join(d, 'inv', 'group_vars'), { recursive: true });
    // Mutate one file a few times; the others stay as they are, so the error is that file's.
    const target = Math.floor(r() * 6);
    const edits = 1 + Math.floor(r() * 3);
    const m = (i: number, text: string): string => {
      if (i !== target) return text;
      let t = text;
      for (let k = 0; k < edits; k++) t = mutate(r, t);
      return t;
    };
    const files = { pb: m(0, PLAYBOOK), role: m(1, ROLE_TASKS), tpl: m(2, TEMPLATE), ini: m(3, INI), yinv: m(4, YAML_INV), vars: m(5, VARS) };
    const input = JSON.stringify({ target, text: Object.values(files)[target] });
    progress(`case ${n} (file ${target})`);
    writeFileSync(join(d, 'site.yml'), files.pb);
    writeFileSync(join(d, 'roles', 'base', 'tasks', 'main.yml'), files.role);
    writeFileSync(join(d, 'roles', 'base', 'templates', 't.j2'), files.tpl);
    writeFileSync(join(d, 'inv', 'hosts'), files.ini);
    writeFileSync(join(d, 'inv', 'more.yml'), files.yinv);
    writeFileSync(join(d, 'inv', 'group_vars', 'all.yml'), files.vars);
    writeFileSync(join(d, 'extra.yml'), files.vars);
    await attempt(n, 'inventory', input, async () => {
      const inv = await loadInventory([join(d, 'inv')]);
      for (const p of ['all', 'web', 'web[0:1]', '~web.*', 'all:!db']) selectHosts(inv, p);
    }, bad);
    await attempt(n, 'playbook', input, () => new PlaybookLoader({ modules, rolesPath: [] }).loadPlaybook(join(d, 'site.yml')), bad);
    await attempt(n, 'extra vars', input, () => parseExtraVars([`@${join(d, 'extra.yml')}`]), bad);
    rmSync(d, { recursive: true, force: true });
  }
  return bad;
}

// Run as a script: node fuzz-driver.js SEED CASES DIR
if (process.argv[1] && /fuzz-driver\.js$/.test(process.argv[1])) {
  const [seed, cases, dir] = [Number(process.argv[2] ?? 1), Number(process.argv[3] ?? 100), process.argv[4]!];
  fuzz(seed, cases, dir, (s) => process.stderr.write(`${s}\n`)).then((bad) => {
    for (const b of bad) process.stdout.write(`${JSON.stringify(b)}\n`);
  }, (e: unknown) => {
    process.stdout.write(`${JSON.stringify({ case: -1, what: 'driver', error: String((e as Error)?.stack ?? e), input: '' })}\n`);
  });
}
