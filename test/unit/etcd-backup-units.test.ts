/**
 * The etcd_backup role's schedule files, checked with the real tools on this machine: the systemd
 * units (rendered from the role's own files with its defaults) with `systemd-analyze verify`
 * through the script's --check-unit (the role's validate:), and the cron entry with --check-cron.
 * Lab nodes have no systemd, so this is where the timer's units are proven to load; no test
 * starts the timer under a running systemd.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseYaml } from '../../src/source/yaml.js';
import { renderTemplateText } from '../../src/template/index.js';
import { repoRoot } from '../helpers/paths.js';
import { withTempDir } from '../helpers/temp.js';

const ROLE = join(repoRoot, 'roles', 'etcd_backup');
const SCRIPT = join(ROLE, 'files', 'k8sbm-etcd-backup');
const defaults = parseYaml(readFileSync(join(ROLE, 'defaults', 'main.yml'), 'utf8'), 'defaults/main.yml') as Record<string, unknown>;
const render = (name: string, vars: Record<string, unknown> = {}): string =>
  renderTemplateText(readFileSync(join(ROLE, 'templates', name), 'utf8'), { ...defaults, ...vars }, { file: name }).text;
const sh = (args: string[], env: Record<string, string> = {}): { code: number | null; out: string } => {
  const r = spawnSync('sh', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout + r.stderr };
};

describe('etcd_backup: the schedule files pass the checks the role runs before they go live', () => {
  it('the timer and service units load in systemd-analyze verify; a timer with a wrong OnCalendar is refused', () => withTempDir('etcdbk-units', (dir) => {
    const timer = render('k8sbm-etcd-backup.timer.hbs');
    assert.match(timer, /^OnCalendar=\*-\*-\* 0,6,12,18:17:00$/m);
    writeFileSync(join(dir, 'timer'), timer);
    // verify wants ExecStart to exist: on a node the role installs the script before the units;
    // here the service runs the repository's copy of it. Nothing else of the unit changes.
    const unit = readFileSync(join(ROLE, 'files', 'k8sbm-etcd-backup.service'), 'utf8');
    assert.match(unit, /^ExecStart=\/usr\/local\/sbin\/k8sbm-etcd-backup$/m);
    writeFileSync(join(dir, 'service'), unit.replace(/^ExecStart=.*$/m, `ExecStart=${SCRIPT}`));
    mkdirSync(join(dir, 'units'));
    const env = { K8SBM_UNIT_DIR: join(dir, 'units') };
    const service = sh(['--check-unit', join(dir, 'service'), 'k8sbm-etcd-backup.service'], env);
    assert.equal(service.code, 0, service.out);
    copyFileSync(join(dir, 'service'), join(dir, 'units', 'k8sbm-etcd-backup.service'));
    const ok = sh(['--check-unit', join(dir, 'timer'), 'k8sbm-etcd-backup.timer'], env);
    assert.equal(ok.code, 0, ok.out);
    writeFileSync(join(dir, 'bad'), timer.replace(/^OnCalendar=.*$/m, 'OnCalendar=*-*-* 25:61:00'));
    const bad = sh(['--check-unit', join(dir, 'bad'), 'k8sbm-etcd-backup.timer'], env);
    assert.notEqual(bad.code, 0, 'a wrong OnCalendar passed');
    assert.match(bad.out, /calendar|OnCalendar|Timer/i);
  }));

  it('the cron entry the role renders passes --check-cron; other forms are refused with the file named', () => withTempDir('etcdbk-cron', (dir) => {
    const good = render('k8sbm-etcd-backup.cron.hbs', { etcd_backup_minute: 5, etcd_backup_hours: [1, 23] });
    assert.match(good, /^5 1,23 \* \* \* root \/usr\/local\/sbin\/k8sbm-etcd-backup$/m);
    writeFileSync(join(dir, 'good'), good);
    const r = sh(['--check-cron', join(dir, 'good')]);
    assert.equal(r.code, 0, r.out);
    for (const bad of ['5 1 * * * root /usr/local/sbin/k8sbm-etcd-backup', '5 1 * * * root /usr/local/sbin/k8sbm-etcd-backup\n5 2 * * * root /bin/true\n', '*/5 1 * * * root /usr/local/sbin/k8sbm-etcd-backup\n', '# nothing\n']) {
      writeFileSync(join(dir, 'bad'), bad);
      const b = sh(['--check-cron', join(dir, 'bad')]);
      assert.equal(b.code, 2, `accepted: ${JSON.stringify(bad)}`);
      assert.match(b.out, new RegExp(`k8sbm-etcd-backup: ${join(dir, 'bad').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    }
  }));

  it('the script refuses an unknown argument and settings it cannot read, with exit 2 and the reason', () => withTempDir('etcdbk-conf', (dir) => {
    assert.match(sh(['--now']).out, /unknown argument: --now/);
    const r = spawnSync('sh', [SCRIPT], { encoding: 'utf8', env: { ...process.env, K8SBM_ETCD_BACKUP_CONF: join(dir, 'missing') } });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read the settings .*missing/);
    writeFileSync(join(dir, 'conf'), 'BACKUP_DIR=/nonexistent\nKEEP_COUNT=x\nKEEP_DAYS=1\nMIN_FREE_MB=1\nENDPOINT=a\nCACERT=a\nCERT=a\nKEY=a\n');
    const c = spawnSync('sh', [SCRIPT], { encoding: 'utf8', env: { ...process.env, K8SBM_ETCD_BACKUP_CONF: join(dir, 'conf') } });
    assert.equal(c.status, 2);
    assert.match(c.stderr, /KEEP_COUNT must be a whole number, got x/);
  }));
});
