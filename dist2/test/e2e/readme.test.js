/**
 * The README's front door, as printed: the main job of its first command line on the built-in
 * lab (twice: the second run changes nothing), then every command of the tour, in order, in a
 * copy of the checkout, each with the exit code its comment promises (0 when it says none).
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { k8sbm } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { removeTempDir, tempDir } from '../helpers/temp.js';
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
/** `[sudo] npx k8sbm ARGS [> FILE] [# comment]`; anything else in the README's blocks is a mistake here. */
function parseLine(text) {
    const [command = '', comment = ''] = text.split(/\s+#\s+/, 2);
    const m = /^(?:sudo )?npx k8sbm (.+?)(?: > (\S+))?$/.exec(command.trim());
    assert.ok(m, `not a k8sbm command line this test can run: ${text}`);
    assert.doesNotMatch(m[1], /['"`$|;&<>]/, `quoting or shell syntax in: ${text}`);
    return { text, args: m[1].split(/\s+/), stdoutTo: m[2], comment };
}
const mainJob = (() => {
    const first = /## Two command lines[\s\S]*?```sh\n(.+)\n```/.exec(readme)?.[1] ?? '';
    return parseLine(first.split(' && ').at(-1) ?? '');
})();
const tour = (() => {
    const block = /## A short tour[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    return block.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).map(parseLine);
})();
// A clone's files the commands read; the demo's scratch root moves into the copy.
const work = tempDir('readme');
for (const p of ['playbooks', 'roles', 'inventories', 'k8sbm.yaml'])
    cpSync(join(repoRoot, p), join(work, p), { recursive: true });
writeFileSync(join(work, 'inventories', 'local', 'group_vars', 'demo.yml'), `demo_root: ${join(work, 'demo')}\n`);
after(() => {
    k8sbm(['lab', 'down'], work);
    removeTempDir(work);
});
/** Per host, `changed=N` of the recap the human output ends with. */
function changedCounts(stdout) {
    const out = {};
    for (const m of stdout.matchAll(/^(\S+)\s+: ok=\d+\s+changed=(\d+)/gm))
        out[m[1]] = Number(m[2]);
    assert.ok(Object.keys(out).length > 0, `no recap in:\n${stdout}`);
    return out;
}
function runLine(line) {
    const r = k8sbm(line.args, work);
    const code = Number(/^exit (\d+)/.exec(line.comment)?.[1] ?? 0);
    assert.equal(r.code, code, `${line.text}\nexited ${r.code}, expected ${code}\n${r.stdout}${r.stderr}`);
    if (line.stdoutTo)
        writeFileSync(join(work, line.stdoutTo), r.stdout);
    return r;
}
describe('the README, as printed, in a fresh copy', () => {
    it('the first command line runs the main job on the lab; run again, it changes nothing', () => {
        assert.deepEqual(mainJob.args, ['run', 'playbooks/site.yml', '--lab']);
        const first = changedCounts(runLine(mainJob).stdout);
        assert.deepEqual(Object.keys(first).sort(), ['node01', 'node02', 'node03']);
        for (const [h, n] of Object.entries(first))
            assert.ok(n > 0, `${h} did not change on the first run`);
        for (const [h, n] of Object.entries(changedCounts(runLine(mainJob).stdout)))
            assert.equal(n, 0, `${h} changed on the second run`);
    });
    it('every command of the tour works as printed and exits as its comment says', () => {
        assert.ok(tour.length >= 10, `the tour has ${tour.length} commands`);
        for (const line of tour) {
            const r = runLine(line);
            if (/changed=0/.test(line.comment))
                for (const [h, n] of Object.entries(changedCounts(r.stdout)))
                    assert.equal(n, 0, `${line.text}: ${h} changed`);
            if (line.stdoutTo)
                JSON.parse(readFileSync(join(work, line.stdoutTo), 'utf8'));
        }
        assert.match(tour.at(-1).text, /lab down$/, 'the tour ends by removing the lab');
    });
});
//# sourceMappingURL=readme.test.js.map