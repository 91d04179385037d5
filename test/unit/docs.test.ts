import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { LAB_TOOLS } from '../../src/lab/system.js';
import { repoRoot } from '../helpers/paths.js';

/**
 * The README is the front door and docs/ holds the references: every link between them resolves
 * (file and heading), and the README's first command line installs what the lab needs.
 */

const docsDir = join(repoRoot, 'docs');
const pages = [join(repoRoot, 'README.md'), ...readdirSync(docsDir).filter((f) => f.endsWith('.md')).map((f) => join(docsDir, f))];
const read = (file: string): string => readFileSync(file, 'utf8');

/** Markdown outside fenced code blocks and code spans: what a renderer reads links and headings from. */
function prose(md: string): string {
  return md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, (m) => m.replace(/[[\]()]/g, ' '));
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2 ... */
function headingAnchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  const body = md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of body.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function links(md: string): string[] {
  return [...prose(md).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('README and docs/', () => {
  it('docs/ has the references the README points to', () => {
    for (const name of ['cli.md', 'language.md', 'modules.md', 'roles.md', 'ssh.md', 'lab.md']) {
      assert.ok(existsSync(join(docsDir, name)), `docs/${name} is missing`);
    }
  });

  for (const page of pages) {
    const name = relative(repoRoot, page);
    it(`${name}: every relative link names an existing file, and every #anchor one of its headings`, () => {
      const broken: string[] = [];
      for (const target of links(read(page))) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [path, anchor] = target.split('#', 2) as [string, string | undefined];
        const file = path === '' ? page : join(dirname(page), decodeURIComponent(path));
        if (!existsSync(file)) { broken.push(`${target} (no such file)`); continue; }
        if (anchor !== undefined && !(statSync(file).isFile() && file.endsWith('.md') && headingAnchors(read(file)).has(anchor))) {
          broken.push(`${target} (no such heading)`);
        }
      }
      assert.deepEqual(broken, [], `${name} has broken links`);
    });
  }

  it('headings become GitHub anchors', () => {
    const anchors = headingAnchors('# A, b and `c`\n## What is real, and what is not\n### `k8sbm lab up`\n## Same\n## Same\n```\n# not a heading\n```\n');
    assert.deepEqual([...anchors], ['a-b-and-c', 'what-is-real-and-what-is-not', 'k8sbm-lab-up', 'same', 'same-1']);
  });

  it('the README\'s first command line installs every package the lab needs that a fresh system may lack', () => {
    const first = /## Two command lines[\s\S]*?```sh\n(.+)\n```/.exec(read(join(repoRoot, 'README.md')))?.[1] ?? '';
    const install = /apt-get install -y ([^&]+)/.exec(first)?.[1]?.trim().split(/\s+/) ?? [];
    assert.ok(install.length > 0, `no apt-get install in the first command line: ${first}`);
    // Priority "required" on Debian and Ubuntu (on every system), and openssh-server's dependency.
    const everywhere = ['util-linux', 'mount', 'passwd', 'hostname', 'openssh-client'];
    // What the main job's roles run on the nodes, which share the machine's packages.
    const mainJob = ['curl', 'nftables', 'ifupdown', 'haproxy', 'keepalived', 'containerd', 'etcd-server', 'etcd-client', 'python3-yaml', 'openssl', 'dpkg-dev', 'gnupg'];
    const missing = [...new Set([...Object.values(LAB_TOOLS), ...mainJob])].filter((p) => !install.includes(p) && !everywhere.includes(p));
    assert.deepEqual(missing, []);
    assert.match(first, /npm ci && sudo npx k8sbm run playbooks\/site\.yml --lab$/);
  });

  it('.ci/run installs every package the lab needs', () => {
    const pkgs = /^PKGS=\(([^)]*)\)/m.exec(read(join(repoRoot, '.ci', 'run')))?.[1]?.split(/\s+/) ?? [];
    const missing = [...new Set([...Object.values(LAB_TOOLS), 'nftables', 'ifupdown', 'haproxy', 'keepalived', 'netplan.io', 'containerd', 'etcd-server', 'etcd-client', 'python3-yaml', 'openssl', 'dpkg-dev', 'gnupg', 'curl'])].filter((p) => !pkgs.includes(p));
    assert.deepEqual(missing, []);
  });
});

describe('docs/language.md', () => {
  it('lists every filter, test and lookup of the expression language (else: run npm run docs)', async () => {
    const { LANGUAGE_BEGIN, LANGUAGE_END, renderLanguageReference } = await import('../../src/docs/language.js');
    const { replaceMarkedSection } = await import('../../src/docs/modules.js');
    const page = read(join(docsDir, 'language.md'));
    assert.ok(page === replaceMarkedSection(page, renderLanguageReference(), { begin: LANGUAGE_BEGIN, end: LANGUAGE_END }),
      "docs/language.md's filter, test and lookup lists are out of date: run npm run docs");
  });
});
