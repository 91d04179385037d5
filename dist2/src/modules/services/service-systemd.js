export function systemdActions(st, op, boot, daemonReload) {
    const unit = st.unit;
    const actions = [];
    if (daemonReload)
        actions.push({ kind: 'exec', argv: ['systemctl', 'daemon-reload'] });
    if (boot && (op === undefined || (boot === 'enable' && op === 'start') || (boot === 'disable' && op === 'stop'))) {
        actions.push({ kind: 'exec', argv: ['systemctl', boot, ...(op ? ['--now'] : []), '--', unit] });
        return actions;
    }
    if (boot)
        actions.push({ kind: 'exec', argv: ['systemctl', boot, '--', unit] });
    if (op)
        actions.push({ kind: 'exec', argv: ['systemctl', op, '--', unit] });
    return actions;
}
//# sourceMappingURL=service-systemd.js.map