import { join } from 'node:path';
import { modules } from '../../src/modules/index.js';
import { PlaybookLoader } from '../../src/playbook/index.js';
import { writeTree } from './engine.js';

/**
 * Playbooks with one bad param each, for the checks that moved from `plan` (per host, at run
 * time) into the params schema (load time). The first task would change the controller's tree,
 * so a run that refuses the playbook before anything runs leaves it as it was.
 */

export interface BadParamCase {
  readonly name: string;
  readonly module: string;
  /** The params, one per line, indented under the module key (8 spaces). */
  readonly params: readonly string[];
  readonly code: string;
  /** Where the error points, in site.yml. */
  readonly line: number;
  readonly col: number;
  readonly message: RegExp;
  readonly hint: RegExp;
  /** A secret param's value: the error must not print it, not even in the source line it quotes. */
  readonly secret?: string;
}

/** The module key is on line 7; params start on line 8. */
export function badParamPlaybook(c: BadParamCase): string {
  return [
    '- hosts: localhost',
    '  gather_facts: false',
    '  tasks:',
    '    - name: would change the tree',
    '      copy: { content: "x\\n", dest: "{{ target }}/first" }',
    '    - name: bad',
    `      ${c.module}:`,
    ...c.params.map((p) => `        ${p}`),
    '',
  ].join('\n');
}

const P = 'PARAM_INVALID';

export const BAD_PARAM_CASES: readonly BadParamCase[] = [
  { name: 'file: a mode that is not a mode', module: 'file', params: ['path: "{{ target }}/x"', 'mode: "0x44"'], code: P, line: 9, col: 15, message: /\/mode: "0x44" is not a file mode/, hint: /octal like "0644", or symbolic like "u=rw,g=r,o=r"/ },
  { name: 'file: an unquoted octal mode', module: 'file', params: ['path: "{{ target }}/x"', 'mode: 0644'], code: 'MODE_UNQUOTED', line: 9, col: 15, message: /read by YAML as the number 644/, hint: /mode: "0644"/ },
  { name: 'copy: a symbolic mode chmod does not know', module: 'copy', params: ['content: "x"', 'dest: "{{ target }}/x"', 'mode: "u=rw,g=q"'], code: P, line: 10, col: 15, message: /is not a file mode/, hint: /symbolic like/ },
  { name: 'file: recurse without state directory', module: 'file', params: ['path: "{{ target }}/d"', 'state: file', 'recurse: true'], code: P, line: 9, col: 16, message: /recurse needs state: directory/, hint: /add state: directory/ },
  { name: 'file: recurse with no state', module: 'file', params: ['path: "{{ target }}/d"', 'recurse: true'], code: P, line: 9, col: 9, message: /recurse needs state: directory/, hint: /add state: directory/ },
  { name: 'file: state link without src', module: 'file', params: ['path: "{{ target }}/l"', 'state: link'], code: P, line: 9, col: 9, message: /state=link needs "src"/, hint: /add src:/ },
  { name: 'file: src without state link', module: 'file', params: ['path: "{{ target }}/l"', 'src: /opt/x'], code: P, line: 9, col: 9, message: /src is only for state: link/, hint: /state: link/ },
  { name: 'file: removing /', module: 'file', params: ['path: /', 'state: absent'], code: P, line: 8, col: 15, message: /refusing to remove the root directory/, hint: /name the path/ },
  { name: 'lineinfile: a regexp that does not compile', module: 'lineinfile', params: ['path: "{{ target }}/x"', 'regexp: "(["', 'line: a'], code: P, line: 9, col: 17, message: /\/regexp: "\(\[" is not a valid regular expression/, hint: /Python re syntax/ },
  { name: 'lineinfile: backrefs without regexp', module: 'lineinfile', params: ['path: "{{ target }}/x"', 'line: a', 'backrefs: true'], code: P, line: 10, col: 9, message: /backrefs=true needs "regexp"/, hint: /add regexp:/ },
  { name: 'lineinfile: state present without line', module: 'lineinfile', params: ['path: "{{ target }}/x"', 'regexp: "^a="'], code: P, line: 8, col: 9, message: /"line" is required unless state=absent/, hint: /add line:/ },
  { name: 'lineinfile: insertafter with insertbefore', module: 'lineinfile', params: ['path: "{{ target }}/x"', 'line: a', 'insertafter: "^b"', 'insertbefore: "^c"'], code: P, line: 11, col: 9, message: /"insertafter" and "insertbefore" exclude each other/, hint: /keep one/ },
  { name: 'lineinfile: a misspelt param', module: 'lineinfile', params: ['path: "{{ target }}/x"', 'line: a', 'regex: "^a"'], code: P, line: 10, col: 9, message: /unknown param "regex"/, hint: /did you mean "regexp"\?/ },
  { name: 'blockinfile: an insertbefore that does not compile', module: 'blockinfile', params: ['path: "{{ target }}/x"', 'block: a', 'insertbefore: "a)"'], code: P, line: 10, col: 23, message: /\/insertbefore: "a\)" is not a valid regular expression/, hint: /escape/ },
  { name: 'blockinfile: a marker without {mark}', module: 'blockinfile', params: ['path: "{{ target }}/x"', 'block: a', 'marker: "# k8sbm"'], code: P, line: 10, col: 17, message: /the BEGIN and END marker lines are the same/, hint: /put \{mark\} in marker/ },
  { name: 'blockinfile: insertafter with insertbefore', module: 'blockinfile', params: ['path: "{{ target }}/x"', 'block: a', 'insertbefore: BOF', 'insertafter: EOF'], code: P, line: 11, col: 9, message: /exclude each other/, hint: /keep one/ },
  { name: 'copy: validate without %s', module: 'copy', params: ['content: "x"', 'dest: "{{ target }}/x"', 'validate: visudo -c'], code: P, line: 10, col: 19, message: /\/validate: "visudo -c" does not contain %s/, hint: /visudo -cf %s/ },
  { name: 'copy: content into a directory', module: 'copy', params: ['content: "x"', 'dest: /etc/app/'], code: P, line: 9, col: 15, message: /names a directory, but content is written to one file/, hint: /dest is the file itself/ },
  { name: 'template: dest is a directory', module: 'template', params: ['src: motd.j2', 'dest: /etc/'], code: P, line: 9, col: 15, message: /\/dest: "\/etc\/" ends with \//, hint: /name the file itself/ },
  { name: 'fetch: a relative src', module: 'fetch', params: ['src: admin.conf', 'dest: "{{ target }}/fetched"'], code: P, line: 8, col: 14, message: /\/src: "admin.conf" is not an absolute path/, hint: /whole path from \// },
  { name: 'command: an unterminated quote', module: 'command', params: ['cmd: \'echo "oops\''], code: P, line: 8, col: 14, message: /unterminated double quote in: echo "oops/, hint: /close the quote/ },
  { name: 'command: only blanks', module: 'command', params: ['cmd: "  "'], code: P, line: 8, col: 14, message: /the command is empty/, hint: /program and its arguments/ },
  { name: 'set_fact: cacheable alone', module: 'set_fact', params: ['cacheable: true'], code: P, line: 8, col: 9, message: /set_fact needs at least one variable/, hint: /name: value pairs/ },
  { name: 'stat: a misspelt param', module: 'stat', params: ['path: /etc/hosts', 'folow: true'], code: P, line: 9, col: 9, message: /unknown param "folow"/, hint: /did you mean "follow"\?/ },
  // packages, services, network, kubernetes
  { name: 'package: hold with state absent', module: 'package', params: ['name: kubelet', 'state: absent', 'hold: true'], code: P, line: 9, col: 16, message: /hold: true keeps a package installed; it cannot go with state: absent/, hint: /hold: false/ },
  { name: 'package: latest with a pinned version', module: 'package', params: ['name: [jq, kubelet=1.31.2-1.1]', 'state: latest'], code: P, line: 8, col: 15, message: /state: latest takes names without versions \(got kubelet=1\.31\.2-1\.1\)/, hint: /state: present/ },
  { name: 'package: purge with use dnf', module: 'package', params: ['name: podman', 'state: absent', 'use: dnf', 'purge: true'], code: P, line: 11, col: 16, message: /purge is apt only/, hint: /use: apt/ },
  { name: 'apt_repository: repo and uris', module: 'apt_repository', params: ['repo: deb https://example.org/debian bookworm main', 'uris: https://example.org/debian', 'suites: bookworm'], code: P, line: 9, col: 9, message: /"repo" and "uris" exclude each other/, hint: /keep one/ },
  { name: 'apt_repository: key_url and key_content', module: 'apt_repository', params: ['repo: deb https://example.org/debian bookworm main', 'key_content: "{{ key }}"', 'key_url: https://example.org/key.asc'], code: P, line: 10, col: 9, message: /"key_url" and "key_content" exclude each other/, hint: /keep one/ },
  { name: 'apt_repository: present without the source', module: 'apt_repository', params: ['name: kubernetes'], code: P, line: 8, col: 9, message: /state: present needs the source itself/, hint: /add repo:/ },
  { name: 'apt_repository: a repo line without components', module: 'apt_repository', params: ['repo: deb https://example.org/debian bookworm'], code: P, line: 8, col: 15, message: /repo: suite "bookworm" needs at least one component/, hint: /deb \[option=value \.\.\.\] URI SUITE/ },
  { name: 'apt_repository: two keyrings for one source', module: 'apt_repository', params: ['repo: deb [signed-by=/etc/apt/keyrings/a.gpg] https://example.org/debian bookworm main', 'signed_by: /etc/apt/keyrings/b.gpg'], code: P, line: 9, col: 20, message: /the repo line says signed-by=\/etc\/apt\/keyrings\/a\.gpg but signed_by is \/etc\/apt\/keyrings\/b\.gpg/, hint: /name the keyring once/ },
  { name: 'apt_repository: a flat suite with components', module: 'apt_repository', params: ['name: kubernetes', 'uris: https://pkgs.k8s.io/core:/stable:/v1.31/deb/', 'suites: /', 'components: main'], code: P, line: 11, col: 21, message: /suite "\/" is a flat repository path/, hint: /has no components/ },
  { name: 'apt_repository: a key that is not armored', module: 'apt_repository', params: ['name: demo', 'repo: deb https://example.org/debian bookworm main', 'key_content: mDMEZ'], code: P, line: 10, col: 22, message: /key_content is not an ASCII-armored public key/, hint: /BEGIN PGP PUBLIC KEY BLOCK/ },
  { name: 'apt_repository: a misspelt param', module: 'apt_repository', params: ['repo: deb https://example.org/debian bookworm main', 'singed_by: /etc/apt/keyrings/a.gpg'], code: P, line: 9, col: 9, message: /unknown param "singed_by"/, hint: /did you mean "signed_by"\?/ },
  { name: 'service: a misspelt param', module: 'service', params: ['name: kubelet', 'state: started', 'enable: true'], code: P, line: 10, col: 9, message: /unknown param "enable"/, hint: /did you mean "enabled"\?/ },
  { name: 'wait_for: a search_regex grep -E refuses', module: 'wait_for', params: ['path: /var/lib/kubelet/config.yaml', 'search_regex: "^cgroupDriver: (systemd"'], code: P, line: 9, col: 23, message: /is not an extended regular expression grep -E takes \(unmatched \(\)/, hint: /grep -E/ },
  { name: 'uri: a body_regex that does not compile', module: 'uri', params: ['url: http://127.0.0.1:10256/healthz', 'body_regex: "lastUpdated\\": (2026"'], code: P, line: 9, col: 21, message: /\/body_regex: .* is not a valid regular expression/, hint: /JavaScript syntax/ },
  { name: 'uri: a URL without its scheme', module: 'uri', params: ['url: 127.0.0.1:6443/healthz'], code: P, line: 8, col: 14, message: /is not a URL \(no http:\/\/ or https:\/\/ in front\)/, hint: /https:\/\/127\.0\.0\.1:6443\/healthz/ },
  { name: 'k8s_apply: an inline object without metadata.name', module: 'k8s_apply', params: ['definition:', '  apiVersion: v1', '  kind: ConfigMap', '  metadata:', '    generateName: cm-'], code: P, line: 12, col: 13, message: /\/definition\/metadata is missing "name"/, hint: /server-side apply needs metadata\.name/ },
  { name: 'k8s_apply: an inline object in another namespace', module: 'k8s_apply', params: ['namespace: default', 'definition: { apiVersion: v1, kind: ConfigMap, metadata: { name: info, namespace: kube-public } }'], code: P, line: 8, col: 20, message: /namespace is "default" but ConfigMap info says metadata\.namespace: "kube-public"/, hint: /drop one of the two/ },
  { name: 'k8s_apply: an empty inline list', module: 'k8s_apply', params: ['definition: []'], code: P, line: 8, col: 21, message: /the manifest holds no objects/, hint: /a list of objects/ },
  // system
  { name: 'sysctl: a key with an empty part', module: 'sysctl', params: ['name: net..ipv4', 'value: 1'], code: P, line: 8, col: 15, message: /"net\.\.ipv4" is not a sysctl key \(empty or relative part\)/, hint: /dotted as sysctl prints it/ },
  { name: 'sysctl: a settings key with a blank', module: 'sysctl', params: ['settings:', '  vm.swappiness: 10', '  net.ipv4.ip forward: 1'], code: P, line: 10, col: 11, message: /"net\.ipv4\.ip forward" is not a sysctl key \(letters, digits/, hint: /as the path under \/proc\/sys/ },
  { name: 'modprobe: params with an unterminated quote', module: 'modprobe', params: ['name: loop', 'params: \'max_loop=64 opts="a b\''], code: P, line: 9, col: 17, message: /params: unterminated double quote in: max_loop=64 opts="a b/, hint: /close the quote/ },
  { name: 'modprobe: blacklist with state present', module: 'modprobe', params: ['name: floppy', 'blacklist: true', 'state: present'], code: P, line: 10, col: 16, message: /blacklist: true keeps the module from ever loading/, hint: /blacklist: false/ },
  { name: 'mount: swap off with a mount point', module: 'mount', params: ['swap: "off"', 'path: /swap'], code: P, line: 9, col: 15, message: /swap: off stands alone/, hint: /path: none, fstype: swap, state: absent/ },
  { name: 'mount: the Ansible swap form with a real path', module: 'mount', params: ['path: /swapfile', 'fstype: swap', 'state: absent'], code: P, line: 8, col: 15, message: /path must be "none" or "swap" \(the mount point swap lines have\), not "\/swapfile"/, hint: /path: none/ },
  { name: 'mount: adding swap', module: 'mount', params: ['path: none', 'src: /swap.img', 'fstype: swap', 'state: present'], code: P, line: 11, col: 16, message: /the mount module only turns swap off/, hint: /swapon/ },
  { name: 'mount: a relative mount point', module: 'mount', params: ['path: data', 'src: tmpfs', 'fstype: tmpfs', 'state: mounted'], code: P, line: 8, col: 15, message: /\/path: "data" is not an absolute path/, hint: /a mount point from \// },
  { name: 'mount: state mounted without src and fstype', module: 'mount', params: ['path: /data', 'state: mounted'], code: P, line: 9, col: 9, message: /state=mounted or present needs src and fstype/, hint: /src is what to mount/ },
  { name: 'mount: a misspelt param', module: 'mount', params: ['path: /data', 'src: /dev/vdb', 'fstype: ext4', 'opt: "defaults,noatime"', 'state: mounted'], code: P, line: 11, col: 9, message: /unknown param "opt"/, hint: /did you mean "opts"\?/ },
  // accounts
  { name: 'user: a clear-text password', module: 'user', params: ['name: alice', 'password: hunter2'], code: P, line: 9, col: 19, message: /password must be a crypted hash, not the clear text; its value is not shown/, hint: /openssl passwd -6/, secret: 'hunter2' },
  { name: 'user: an empty password', module: 'user', params: ['name: alice', 'password: ""'], code: P, line: 9, col: 19, message: /password is empty: that would allow logging in without one/, hint: /password_lock: true/ },
  { name: 'user: a misspelt param', module: 'user', params: ['name: alice', 'shel: /bin/bash'], code: P, line: 9, col: 9, message: /unknown param "shel"/, hint: /did you mean "shell"\?/ },
  { name: 'authorized_key: a line that is not a public key', module: 'authorized_key', params: ['user: alice', 'key: |', '  ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGg9n4mRA0vpmVyS3HmjcNRjB5mAP2f3m8Qkq2W9aF8G alice@laptop', '  -----BEGIN OPENSSH PRIVATE KEY-----'], code: P, line: 9, col: 14, message: /key: line 2 is not a public key/, hint: /never the private key/ },
  { name: 'authorized_key: no key at all', module: 'authorized_key', params: ['user: alice', 'key: "# none yet"'], code: P, line: 9, col: 14, message: /key holds no public key/, hint: /exclusive: true/ },
  { name: 'authorized_key: a misspelt param', module: 'authorized_key', params: ['user: alice', 'key: "{{ k }}"', 'key_option: no-pty'], code: P, line: 10, col: 9, message: /unknown param "key_option"/, hint: /did you mean "key_options"\?/ },
];

/** Loads a playbook whose one task runs `module` with `params` (each a YAML line): the good side of the cases. */
export function loadGoodParams(module: string, params: readonly string[]): void {
  const dir = writeTree({ 'site.yml': badParamPlaybook({ ...BAD_PARAM_CASES[0]!, module, params }) });
  new PlaybookLoader({ modules, rolesPath: [] }).loadPlaybook(join(dir, 'site.yml'));
}

