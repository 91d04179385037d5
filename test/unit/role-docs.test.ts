import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { ROLES_BEGIN, ROLES_END, renderRoleVariables } from '../../src/docs/roles.js';
import { replaceMarkedSection } from '../../src/docs/modules.js';
import { repoRoot } from '../helpers/paths.js';
import { writeTree } from '../helpers/engine.js';

const page = (): string => readFileSync(join(repoRoot, 'docs', 'role-variables.md'), 'utf8');
const render = (): string => renderRoleVariables(join(repoRoot, 'roles'), join(repoRoot, 'inventories', 'example'), join(repoRoot, 'docs'));

describe('docs/role-variables.md', () => {
  it('holds the reference generated from the roles\' argument specs (else: run npm run docs)', () => {
    const text = page();
    assert.ok(text === replaceMarkedSection(text, render(), { begin: ROLES_BEGIN, end: ROLES_END }), "docs/role-variables.md's role variables are out of date: run npm run docs");
  });

  it('every option of every shipped role has a row, nested ones as parent.child', () => {
    const text = page();
    const roles = readdirSync(join(repoRoot, 'roles')).filter((r) => existsSync(join(repoRoot, 'roles', r, 'meta', 'argument_specs.yml')));
    assert.ok(roles.length >= 10);
    let count = 0;
    const walk = (options: Record<string, { options?: Record<string, unknown> } | null>, prefix: string): void => {
      for (const [name, o] of Object.entries(options)) {
        assert.ok(text.includes(`| \`${prefix}${name}\` |`), `${prefix}${name} has no row`);
        count++;
        if (o?.options) walk(o.options as Record<string, { options?: Record<string, unknown> } | null>, `${prefix}${name}.`);
      }
    };
    for (const role of roles) {
      assert.ok(text.includes(`\n## ${role}\n`), `${role} has no section`);
      const spec = parseYaml(readFileSync(join(repoRoot, 'roles', role, 'meta', 'argument_specs.yml'), 'utf8')) as { argument_specs: { main: { options?: Record<string, { options?: Record<string, unknown> } | null> } } };
      walk(spec.argument_specs.main.options ?? {}, '');
    }
    assert.ok(count > 50, `${count} rows`);
  });

  it('a row carries type, required, default, choices and the example inventory\'s value', () => {
    const dir = writeTree({
      'roles/demo/meta/argument_specs.yml': [
        'argument_specs:',
        '  main:',
        '    short_description: A demo role',
        '    options:',
        '      demo_port: {type: int, required: true, description: "The port | the only one."}',
        '      demo_mode: {type: str, default: fast, choices: [fast, safe], description: How.}',
        '      demo_bond:',
        '        type: dict',
        '        description: The bond.',
        '        options:',
        '          mtu: {type: int, default: 1500, description: Its MTU.}',
        '      demo_peers: {type: list, elements: str, default: [], description: Peers.}',
        '',
      ].join('\n'),
      'inv/group_vars/all.yml': 'demo_port: 8443\ndemo_bond: {mtu: 9000}\n',
      'docs/demo.md': '# demo\n',
    });
    const out = renderRoleVariables(join(dir, 'roles'), join(dir, 'inv'), join(dir, 'docs'));
    assert.ok(out.includes('A demo role. Its page: [demo.md](demo.md)'), out);
    assert.ok(out.includes('| `demo_port` | int | yes |  | The port \\| the only one. | `8443` |'), out);
    assert.ok(out.includes('| `demo_mode` | str |  | `"fast"` | How. One of: `"fast"`, `"safe"`. |  |'), out);
    assert.ok(out.includes('| `demo_bond` | dict |  | (none) | The bond. | `{"mtu":9000}` |'), out);
    assert.ok(out.includes('| `demo_bond.mtu` | int |  | `1500` | Its MTU. |  |'), out);
    assert.ok(out.includes('| `demo_peers` | list of str |  | `[]` | Peers. |  |'), out);
  });
});
