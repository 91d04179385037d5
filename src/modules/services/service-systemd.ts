import type { ServiceState } from '../../facts/services.js';
import type { ExecAction } from '../types.js';

/**
 * systemctl verbs for a service change. Enabling and starting (or disabling and stopping) is
 * one call (`--now`), so a typical change is one exec after the fact.
 */

export type ServiceOp = 'start' | 'stop' | 'restart' | 'reload';
export type BootChange = 'enable' | 'disable' | undefined;

export function systemdActions(st: ServiceState, op: ServiceOp | undefined, boot: BootChange, daemonReload: boolean): ExecAction[] {
  const unit = st.unit;
  const actions: ExecAction[] = [];
  if (daemonReload) actions.push({ kind: 'exec', argv: ['systemctl', 'daemon-reload'] });
  if (boot && (op === undefined || (boot === 'enable' && op === 'start') || (boot === 'disable' && op === 'stop'))) {
    actions.push({ kind: 'exec', argv: ['systemctl', boot, ...(op ? ['--now'] : []), '--', unit] });
    return actions;
  }
  if (boot) actions.push({ kind: 'exec', argv: ['systemctl', boot, '--', unit] });
  if (op) actions.push({ kind: 'exec', argv: ['systemctl', op, '--', unit] });
  return actions;
}
