import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SSH_OPTIONS } from '../../src/transport/connection.js';
import { parseJumpHop, parseProxyJump, parseSshCommonArgs, proxyCommandAsJump } from '../../src/transport/ssh-args.js';
import { splitShellWords } from '../../src/transport/quote.js';
import { lookupSshConfig, matchHostPatterns, parseSshConfig, splitConfigLine, } from '../../src/transport/ssh-config.js';
import { expandTokens, resolveEndpoint, resolveRoute } from '../../src/transport/ssh-settings.js';
const HOME = '/home/op';
const noFiles = { readFile: () => undefined, listDir: () => undefined };
function env(opts = {}) {
    return { home: HOME, localUser: 'op', localHost: 'ctl', agentFromEnv: '/run/agent.sock', opts: { ...DEFAULT_SSH_OPTIONS, ...opts } };
}
function config(text, files = noFiles) {
    return parseSshConfig(text, '/home/op/.ssh/config', { files, home: HOME });
}
describe('ssh_config lines', () => {
    it('reads "Key value", "Key=value" and "Key = value", any case, with quotes and comments', () => {
        assert.deepEqual(splitConfigLine('  HostName 10.0.0.1'), { keyword: 'hostname', args: ['10.0.0.1'] });
        assert.deepEqual(splitConfigLine('port=2222'), { keyword: 'port', args: ['2222'] });
        assert.deepEqual(splitConfigLine('IdentityFile = "~/my keys/id" # the laptop key'), { keyword: 'identityfile', args: ['~/my keys/id'] });
        assert.equal(splitConfigLine('# only a comment'), undefined);
        assert.equal(splitConfigLine('   '), undefined);
    });
});
describe('Host patterns', () => {
    it('matches *, ? and lists, case-insensitively', () => {
        assert.equal(matchHostPatterns('node1.lab', ['*.lab']), true);
        assert.equal(matchHostPatterns('NODE1.LAB', ['*.lab']), true);
        assert.equal(matchHostPatterns('node12', ['node?']), false);
        assert.equal(matchHostPatterns('node1', ['web*', 'node?']), true);
        assert.equal(matchHostPatterns('10.0.0.7', ['10.0.0.*']), true);
    });
    it('lets a negated pattern veto the whole line', () => {
        assert.equal(matchHostPatterns('bastion.lab', ['*.lab', '!bastion.lab']), false);
        assert.equal(matchHostPatterns('node1.lab', ['*.lab', '!bastion.lab']), true);
        // A line of negations alone matches nothing.
        assert.equal(matchHostPatterns('node1.lab', ['!bastion.lab']), false);
    });
});
describe('parseSshConfig and lookupSshConfig', () => {
    const text = [
        'Host node1',
        '  HostName 10.0.0.1',
        '  User admin',
        'Host *.lab !bastion.lab',
        '  Port 2222',
        '  User labuser',
        '  IdentityFile ~/.ssh/lab_key',
        'Match host node1 exec "true"',
        '  User matched',
        'Host *',
        '  User everyone',
        '  IdentityFile ~/.ssh/id_common',
        '  ServerAliveInterval 30',
    ].join('\n');
    it('gives each keyword its first value, in file order', () => {
        const c = config(text);
        const node1 = lookupSshConfig(c, 'node1');
        assert.deepEqual(node1.get('user')?.[0]?.args, ['admin']);
        assert.deepEqual(node1.get('hostname')?.[0]?.args, ['10.0.0.1']);
        assert.equal(node1.get('user')?.[0]?.from, '/home/op/.ssh/config:3');
        assert.deepEqual(lookupSshConfig(c, 'web.lab').get('user')?.[0]?.args, ['labuser']);
        assert.deepEqual(lookupSshConfig(c, 'bastion.lab').get('user')?.[0]?.args, ['everyone']);
        assert.equal(lookupSshConfig(c, 'bastion.lab').get('port'), undefined);
    });
    it('collects every IdentityFile that applies, most specific first', () => {
        const ids = lookupSshConfig(config(text), 'web.lab').get('identityfile').map((v) => v.args[0]);
        assert.deepEqual(ids, ['~/.ssh/lab_key', '~/.ssh/id_common']);
    });
    it('skips Match blocks with a note naming the line, and resumes at the next Host', () => {
        const c = config(text);
        assert.deepEqual(c.notes, ['/home/op/.ssh/config:8: Match blocks are not supported; their settings are ignored']);
        assert.deepEqual(lookupSshConfig(c, 'other').get('user')?.[0]?.args, ['everyone']);
        assert.deepEqual(lookupSshConfig(c, 'other').get('serveraliveinterval')?.[0]?.args, ['30']);
    });
    it('reads Include relative to ~/.ssh, expands globs in order, and scopes an Include inside a Host block', () => {
        const files = {
            '/home/op/.ssh/conf.d/10-lab': 'Host *.lab\n  User fromlab\n',
            '/home/op/.ssh/conf.d/20-other': 'Host other\n  User fromother\n',
            '/home/op/.ssh/special': 'Port 2200\nHost inner\n  User innerUser\n',
        };
        const fs = {
            readFile: (p) => files[p],
            listDir: (p) => (p === '/home/op/.ssh/conf.d' ? ['20-other', '10-lab', '.hidden'] : p === '/home/op/.ssh' ? ['conf.d', 'special'] : undefined),
        };
        const c = config('Include conf.d/*\nHost db\n  Include special\n  User dbUser\nHost *\n  User fallback\n', fs);
        assert.deepEqual(lookupSshConfig(c, 'x.lab').get('user')?.[0]?.args, ['fromlab']);
        assert.deepEqual(lookupSshConfig(c, 'other').get('user')?.[0]?.args, ['fromother']);
        assert.deepEqual(lookupSshConfig(c, 'db').get('port')?.[0]?.args, ['2200']);
        // The included file's own Host line needs the outer Host to match too, and ends with the file.
        assert.deepEqual(lookupSshConfig(c, 'db').get('user')?.[0]?.args, ['dbUser']);
        assert.deepEqual(lookupSshConfig(c, 'inner').get('user')?.[0]?.args, ['fallback']);
        assert.equal(lookupSshConfig(c, 'web').get('port'), undefined);
    });
    it('notes a named Include that cannot be read, but not a glob that matches nothing', () => {
        const c = config('Include missing.conf\nInclude none.d/*\n');
        assert.deepEqual(c.notes, ['/home/op/.ssh/config:1: cannot read included file /home/op/.ssh/missing.conf']);
    });
});
describe('resolveEndpoint', () => {
    const c = config([
        'Host node1',
        '  HostName %h.example.net',
        '  User admin',
        '  Port 2201',
        '  IdentityFile ~/.ssh/%h_%r_%p',
        '  IdentityFile ~/keys/%u.key',
        '  UserKnownHostsFile ~/.ssh/lab_known_hosts',
        '  StrictHostKeyChecking accept-new',
        '  ConnectTimeout 4',
        '  ServerAliveInterval 7',
        'Host *',
        '  HashKnownHosts yes',
    ].join('\n'));
    it('takes HostName, User, Port, IdentityFile (with ~ and tokens) and the rest from ssh_config', () => {
        const ep = resolveEndpoint({ alias: 'node1' }, c, env({ privateKeyFiles: ['/keys/cli'] }));
        assert.equal(ep.hostname, 'node1.example.net');
        assert.equal(ep.user, 'admin');
        assert.equal(ep.port, 2201);
        assert.deepEqual(ep.identityFiles, [
            '/home/op/.ssh/node1.example.net_admin_2201',
            '/home/op/keys/op.key',
            '/keys/cli',
        ]);
        assert.equal(ep.defaultIdentities, false);
        assert.deepEqual(ep.knownHostsFiles, ['/home/op/.ssh/lab_known_hosts']);
        assert.equal(ep.hostKeyChecking, 'accept-new');
        assert.equal(ep.hashKnownHosts, true);
        assert.equal(ep.connectTimeoutMs, 4000);
        assert.equal(ep.keepaliveIntervalMs, 7000);
        assert.equal(ep.agentSocket, '/run/agent.sock');
    });
    it('lets inventory vars beat ansible_ssh_common_args, which beat ssh_config', () => {
        const ep = resolveEndpoint({
            alias: 'node1', port: 22022, user: 'inv', keyFile: '~/inv_key',
            commonArgs: '-o User=args -o Port=1 -i /args/key -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null',
        }, c, env());
        assert.equal(ep.user, 'inv');
        assert.equal(ep.port, 22022);
        assert.deepEqual(ep.identityFiles.slice(0, 2), ['/home/op/inv_key', '/args/key']);
        assert.equal(ep.hostKeyChecking, 'off');
        assert.deepEqual(ep.knownHostsFiles, ['/dev/null']);
    });
    it('applies a host StrictHostKeyChecking only when the run did not choose explicitly', () => {
        assert.equal(resolveEndpoint({ alias: 'node1' }, c, env({ hostKeyChecking: 'strict' })).hostKeyChecking, 'accept-new');
        assert.equal(resolveEndpoint({ alias: 'node1' }, c, env({ hostKeyChecking: 'strict', hostKeyCheckingExplicit: true })).hostKeyChecking, 'strict');
        assert.equal(resolveEndpoint({ alias: 'other' }, c, env({ hostKeyChecking: 'accept-new' })).hostKeyChecking, 'accept-new');
    });
    it('falls back to the defaults: local user, port 22, ~/.ssh/known_hosts, default keys, options timeout', () => {
        const ep = resolveEndpoint({ alias: '10.1.1.1' }, config(''), env({ knownHostsFile: undefined, connectTimeoutMs: 1234 }));
        assert.equal(ep.user, 'op');
        assert.equal(ep.port, 22);
        assert.equal(ep.hostname, '10.1.1.1');
        assert.deepEqual(ep.knownHostsFiles, ['/home/op/.ssh/known_hosts']);
        assert.equal(ep.defaultIdentities, true);
        assert.equal(ep.connectTimeoutMs, 1234);
        assert.equal(ep.hostKeyChecking, 'strict');
    });
    it('drops the agent for IdentitiesOnly and IdentityAgent none', () => {
        assert.equal(resolveEndpoint({ alias: 'a' }, config('IdentitiesOnly yes'), env()).agentSocket, undefined);
        assert.equal(resolveEndpoint({ alias: 'a' }, config('IdentityAgent none'), env()).agentSocket, undefined);
        assert.equal(resolveEndpoint({ alias: 'a' }, config('IdentityAgent ~/agent.sock'), env()).agentSocket, '/home/op/agent.sock');
    });
    it('refuses a ProxyCommand it cannot run, but reads `ssh -W %h:%p bastion` as a jump', () => {
        const bad = resolveEndpoint({ alias: 'a' }, config('ProxyCommand nc -X 5 -x proxy:1080 %h %p'), env());
        assert.match(bad.problem ?? '', /^ProxyCommand is not supported/);
        const ok = resolveEndpoint({ alias: 'a', commonArgs: `-o ProxyCommand="ssh -W %h:%p -q -p 2200 ops@bastion"` }, config(''), env());
        assert.equal(ok.problem, undefined);
        assert.deepEqual(ok.jumps, [{ host: 'bastion', user: 'ops', port: 2200 }]);
    });
});
describe('ProxyJump', () => {
    it('parses hops: user@host:port, IPv6 in brackets, ssh:// URIs, lists and none', () => {
        assert.deepEqual(parseJumpHop('ops@bastion:2222'), { host: 'bastion', user: 'ops', port: 2222 });
        assert.deepEqual(parseJumpHop('bastion'), { host: 'bastion', user: undefined, port: undefined });
        assert.deepEqual(parseJumpHop('[fd00::1]:22'), { host: 'fd00::1', user: undefined, port: 22 });
        assert.deepEqual(parseJumpHop('ssh://me@gw:2022'), { host: 'gw', user: 'me', port: 2022 });
        assert.deepEqual(parseProxyJump('a,b@c:2').map((h) => h.host), ['a', 'c']);
        assert.deepEqual(parseProxyJump('none'), []);
        assert.throws(() => parseJumpHop('gw:99999'), /bad port/);
    });
    it('routes a target through its hops; the first hop follows its own ProxyJump, later hops do not', () => {
        const c = config([
            'Host target', '  ProxyJump hop1,ops@hop2:2200',
            'Host hop1', '  ProxyJump edge', '  User h1',
            'Host hop2', '  ProxyJump somewhere-else',
        ].join('\n'));
        const e = env();
        const target = resolveEndpoint({ alias: 'target' }, c, e);
        const route = resolveRoute(target, c, e).map((h) => `${h.user}@${h.hostname}:${h.port}`);
        assert.deepEqual(route, ['op@edge:22', 'h1@hop1:22', 'ops@hop2:2200']);
    });
    it('reports a ProxyJump loop instead of recursing forever', () => {
        const c = config('Host *\n  ProxyJump bastion\n');
        const e = env();
        assert.throws(() => resolveRoute(resolveEndpoint({ alias: 'node' }, c, e), c, e), /ProxyJump loop: op@node:22 -> op@bastion:22 -> op@bastion:22/);
    });
});
describe('ansible_ssh_common_args', () => {
    it('splits like a shell: quotes and backslashes, no expansion', () => {
        assert.deepEqual(splitShellWords(`-o 'ProxyCommand=ssh -W %h:%p b' -o "A=\\"x\\"" a\\ b $HOME`), ['-o', 'ProxyCommand=ssh -W %h:%p b', '-o', 'A="x"', 'a b', '$HOME']);
        assert.throws(() => splitShellWords(`-o 'open`), /unterminated/);
    });
    it('turns -o, -J, -p, -l and -i into settings and lists what it ignores', () => {
        const parsed = parseSshCommonArgs('-o ProxyJump=bastion -J other -oStrictHostKeyChecking=no -o "UserKnownHostsFile /dev/null" -p 2222 -l root -i ~/k -q -L 8080:x:80 --weird');
        assert.deepEqual(parsed.settings, [
            { keyword: 'proxyjump', args: ['bastion'] },
            { keyword: 'proxyjump', args: ['other'] },
            { keyword: 'stricthostkeychecking', args: ['no'] },
            { keyword: 'userknownhostsfile', args: ['/dev/null'] },
            { keyword: 'port', args: ['2222'] },
            { keyword: 'user', args: ['root'] },
            { keyword: 'identityfile', args: ['~/k'] },
        ]);
        assert.deepEqual(parsed.ignored, ['-L 8080:x:80', '--weird']);
    });
    it('the first -o for a keyword wins, like on ssh command lines', () => {
        const ep = resolveEndpoint({ alias: 'n', commonArgs: '-o ProxyJump=bastion -J other' }, config(''), env());
        assert.deepEqual(ep.jumps, [{ host: 'bastion', user: undefined, port: undefined }]);
    });
    it('recognizes only the ssh -W form of ProxyCommand', () => {
        assert.deepEqual(proxyCommandAsJump('ssh -q -W %h:%p jump@gw'), { host: 'gw', user: 'jump', port: undefined });
        assert.deepEqual(proxyCommandAsJump('/usr/bin/ssh -l u -W [%h]:%p gw'), { host: 'gw', user: 'u', port: undefined });
        assert.equal(proxyCommandAsJump('ssh gw nc %h %p'), undefined);
        assert.equal(proxyCommandAsJump('ssh -i key -W %h:%p gw'), undefined);
    });
});
describe('expandTokens', () => {
    it('replaces known tokens, keeps %% as % and unknown ones as written', () => {
        assert.equal(expandTokens('%h-%p-%%-%Z', { h: 'host', p: '22' }), 'host-22-%-%Z');
    });
});
//# sourceMappingURL=ssh-config.test.js.map