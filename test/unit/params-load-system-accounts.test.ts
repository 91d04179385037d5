import { describe, it } from 'node:test';
import { loadGoodParams } from '../helpers/param-cases.js';

/**
 * The other side of the bad-param cases of the system and accounts families: the same params
 * with good values, or with values known only after rendering, load.
 */
const load = loadGoodParams;

describe('good params load', () => {
  it('sysctl: dotted and path keys (dots inside an interface name), as name and in settings, templated keys\' values', () => {
    load('sysctl', ['name: net/ipv4/conf/eth0.100/rp_filter', 'value: 2']);
    load('sysctl', ['settings:', '  net.ipv4.conf.eth0/100.rp_filter: 2', '  net.ipv4.tcp_rmem: "4096 87380 6291456"', '  kernel.sysrq: null']);
    load('sysctl', ['name: "{{ key }}"', 'value: "{{ v }}"']);
  });
  it('modprobe: quoted params, blacklist with state absent', () => {
    load('modprobe', ['name: loop', 'params: \'max_loop=64 opts="a b"\'', 'persistent: present']);
    load('modprobe', ['name: floppy', 'blacklist: true', 'state: absent', 'persistent: absent']);
    load('modprobe', ['name: loop', 'params: "{{ p }}"']);
  });
  it('mount: swap off both ways, mount points from /, states without an entry, templated values', () => {
    load('mount', ['swap: "off"', 'src: /swap.img', 'backup: true']);
    load('mount', ['path: none', 'fstype: swap', 'state: absent']);
    load('mount', ['name: /data', 'src: /dev/vdb', 'fstype: ext4', 'state: mounted', 'dump: "0"', 'passno: 2']);
    load('mount', ['path: /data', 'state: unmounted']);
    load('mount', ['path: /data', 'state: remounted', 'opts: "ro"']);
    load('mount', ['path: "{{ mnt }}"', 'src: "{{ dev }}"', 'fstype: "{{ fs }}"', 'state: "{{ s }}"']);
  });
  it('user: crypted hashes (locked, "*", "!"), groups by name and gid, a templated password', () => {
    load('user', ['name: alice', 'password: "$6$rounds=5000$salt$7h1s.is/a.hash"', 'groups: [devs, 4102]', 'home: /home/alice']);
    load('user', ['name: alice', 'password: "!$y$j9T$salt$hash"', 'groups: "devs, ops"']);
    load('user', ['name: svc', 'password: "*"', 'system: true']);
    load('user', ['name: svc', 'password: "!"']);
    load('user', ['name: alice', 'password: "{{ alice_hash }}"', 'update_password: on_create']);
  });
  it('authorized_key: keys with options, an empty exclusive list, a templated key', () => {
    load('authorized_key', ['user: alice', 'key: |', '  # laptop', '  no-pty,from="10.0.0.0/8" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGg9n4mRA0vpmVyS3HmjcNRjB5mAP2f3m8Qkq2W9aF8G a@b', '', 'path: ~/.ssh/authorized_keys']);
    load('authorized_key', ['user: alice', 'key: ""', 'exclusive: true']);
    load('authorized_key', ['user: alice', 'key: "{{ lookup(\'file\', \'alice.pub\') }}"', 'state: absent']);
  });
  it('group: a name and a gid', () => {
    load('group', ['name: k8s-operators', 'gid: 4100']);
  });
});
