import { serviceKey } from '../../facts/services.js';
/**
 * SysV init scripts: /etc/init.d/NAME VERB, boot links through update-rc.d (Debian) or
 * chkconfig (RHEL 6 era). Lab nodes and containers without systemd land here.
 *
 * A daemon an init script starts inherits the script's descriptors; if those were the exec's
 * output pipes, the exec would not end until the daemon does. The verb therefore writes to a
 * file that is printed afterwards:
 *
 *   sh -c SYSV_RUN_SCRIPT k8sbm-service SCRIPT VERB
 */
export const SYSV_RUN_SCRIPT = `log=$(mktemp) || exit 1
"$1" "$2" </dev/null >"$log" 2>&1
rc=$?
cat "$log"
rm -f "$log"
exit "$rc"
`;
export function sysvActions(st, op, boot) {
    const name = serviceKey(st.unit.replace(/^.*\//, ''));
    const actions = [];
    if (boot) {
        if (st.enableTool === 'update-rc.d') {
            // `defaults` creates the links; once they exist, enable/disable flips them.
            const verb = boot === 'enable' && !st.hasLinks ? 'defaults' : boot;
            actions.push({ kind: 'exec', argv: ['update-rc.d', name, verb] });
        }
        else if (st.enableTool === 'chkconfig') {
            actions.push({ kind: 'exec', argv: ['chkconfig', name, boot === 'enable' ? 'on' : 'off'] });
        }
        else {
            return `cannot ${boot} ${name} at boot: neither update-rc.d nor chkconfig is on this host`;
        }
    }
    if (op)
        actions.push({ kind: 'exec', argv: ['sh', '-c', SYSV_RUN_SCRIPT, 'k8sbm-service', st.unit, op] });
    return actions;
}
//# sourceMappingURL=service-sysv.js.map