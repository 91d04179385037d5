import { FactParseError, factCommandFailed } from './types.js';
const UNIT_SUFFIX = /\.(service|socket|timer|target|mount|path|slice|scope|automount|swap)$/;
/** "kubelet" and "kubelet.service" are one service: one key, so predictions line up. */
export function serviceKey(name) {
    return name.replace(/\.service$/, '');
}
export function systemdUnitName(name) {
    return UNIT_SUFFIX.test(name) ? name : `${name}.service`;
}
// systemd when it is PID 1 (sd_booted: /run/systemd/system exists), else SysV init scripts.
// `systemctl show` answers everything in one call and never fails for an unknown unit
// (LoadState=not-found). A SysV `status` is bounded: a broken script must not hang the run.
const SERVICE_SCRIPT = `name=$1 unit=$2
echo 'k8sbm-service 1'
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  echo init=systemd
  systemctl show --no-pager -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload -- "$unit"
  exit 0
fi
echo init=sysv
script=/etc/init.d/$name
printf 'unit=%s\\n' "$script"
if command -v update-rc.d >/dev/null 2>&1; then echo tool=update-rc.d
elif command -v chkconfig >/dev/null 2>&1; then echo tool=chkconfig
else echo tool=; fi
if [ ! -f "$script" ]; then echo exists=0; exit 0; fi
echo exists=1
for f in /etc/rc[2345].d/[SK][0-9][0-9]"$name" /etc/rc.d/rc[2345].d/[SK][0-9][0-9]"$name"; do
  if [ -e "$f" ] || [ -L "$f" ]; then printf 'link=%s\\n' "\${f##*/}"; fi
done
if command -v timeout >/dev/null 2>&1; then t='timeout 30'; else t=; fi
$t "$script" status </dev/null >/dev/null 2>&1
printf 'status=%s\\n' "$?"
`;
export function serviceFactArgv(name) {
    const key = serviceKey(name);
    return ['sh', '-c', SERVICE_SCRIPT, 'k8sbm-service', key, systemdUnitName(name)];
}
const ENABLED_STATES = new Set(['enabled', 'enabled-runtime', 'alias', 'linked', 'linked-runtime', 'generated']);
const FIXED_STATES = new Set(['static', 'indirect', 'transient']);
const RUNNING_STATES = new Set(['active', 'activating', 'reloading', 'refreshing']);
function fieldsOf(stdout) {
    const lines = stdout.split('\n');
    const start = lines.indexOf('k8sbm-service 1');
    if (start < 0)
        throw new FactParseError('service', `unexpected output: ${stdout.slice(0, 200)}`);
    const out = new Map();
    for (const line of lines.slice(start + 1)) {
        const eq = line.indexOf('=');
        if (eq <= 0)
            continue;
        const k = line.slice(0, eq);
        out.set(k, [...(out.get(k) ?? []), line.slice(eq + 1)]);
    }
    return out;
}
/** LSB: status 0 running; 1 dead with a pidfile; 2 dead with a lock file; 3 not running; 4 unknown. */
const LSB_STATUS = {
    0: 'running', 1: 'dead (pidfile left)', 2: 'dead (lock file left)', 3: 'not running', 4: 'status unknown',
};
/** Pure: the script's output -> ServiceState. */
export function parseServiceOutput(res, name) {
    if (res.code !== 0) {
        throw factCommandFailed('service', `cannot inspect service ${name}`, res);
    }
    const f = fieldsOf(res.stdout);
    const one = (k) => f.get(k)?.at(-1);
    if (one('init') === 'systemd') {
        const unit = one('Id') || systemdUnitName(name);
        const load = one('LoadState') ?? '';
        if (load === 'not-found' || load === '')
            return { init: 'systemd', exists: false, unit };
        const fileState = one('UnitFileState') ?? '';
        const active = one('ActiveState') ?? '';
        return {
            init: 'systemd',
            exists: true,
            unit,
            active: RUNNING_STATES.has(active),
            activeState: `${active}/${one('SubState') ?? ''}`,
            enabled: ENABLED_STATES.has(fileState) ? true : FIXED_STATES.has(fileState) ? null : false,
            enabledState: fileState || 'unknown',
            masked: load === 'masked' || fileState.startsWith('masked'),
            needsDaemonReload: one('NeedDaemonReload') === 'yes',
        };
    }
    if (one('init') !== 'sysv')
        throw new FactParseError('service', `no init system named for ${name}`);
    const unit = one('unit') ?? `/etc/init.d/${serviceKey(name)}`;
    const tool = one('tool');
    const enableTool = tool === 'update-rc.d' || tool === 'chkconfig' ? tool : null;
    if (one('exists') !== '1')
        return { init: 'sysv', exists: false, unit, enableTool };
    const links = f.get('link') ?? [];
    const status = one('status') ?? '4';
    const starts = links.some((l) => l.startsWith('S'));
    return {
        init: 'sysv',
        exists: true,
        unit,
        active: status === '0',
        activeState: LSB_STATUS[status] ?? `status exit ${status}`,
        enabled: starts,
        enabledState: starts ? 'S links' : links.length ? 'K links' : 'no links',
        enableTool,
        hasLinks: links.length > 0,
    };
}
export const serviceFact = {
    name: 'service',
    key: serviceKey,
    argv: serviceFactArgv,
    parse: parseServiceOutput,
};
//# sourceMappingURL=services.js.map