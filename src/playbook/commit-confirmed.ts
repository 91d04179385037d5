import { COMMIT_CONFIRMED_KEYS } from '../schema/playbook-keywords.js';
import { Fields, fail, isMapping } from './fields.js';
import type { CommitConfirmed } from './model.js';

export const DEFAULT_CONFIRM_TIMEOUT = 60;

/** `nft table inet k8sbm`: one table of the live ruleset, put back alone. */
export const NFT_TABLE = /^nft table (?:inet|ip|ip6|arp|bridge|netdev) [A-Za-z][A-Za-z0-9_]*$/;
/** `links bond0 bond0.2000`: those links' addresses, routes, MTU and kind settings; a link absent now is deleted again. */
export const LINKS = /^links( [A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14})+$/;
/** `files /etc/systemd/network/10-k8sbm-*`: the files a glob matches now; a file it matches later and not now is removed. */
export const FILES_GLOB = /^files \/[^\s'"`$\\;&|<>()]+$/;
export const RUNTIME_HINT = 'runtime takes: nft (the whole ruleset), nft table FAMILY NAME ("nft table inet k8sbm"), links NAME... ("links bond0 bond0.2000") or files GLOB ("files /etc/systemd/network/10-k8sbm-*")';

/** Whether a rendered runtime line is one commit_confirmed knows. */
export function isRuntimeLine(r: string): boolean {
  return r === 'nft' || NFT_TABLE.test(r) || LINKS.test(r) || FILES_GLOB.test(r);
}

/** `commit_confirmed: 60` or `commit_confirmed: {timeout: 60, paths: [...], restore: [...]}` on a block. */
export function readCommitConfirmed(f: Fields): CommitConfirmed | undefined {
  if (!f.has('commit_confirmed')) return undefined;
  const raw = f.raw.commit_confirmed;
  const loc = f.keyLoc('commit_confirmed');
  if (typeof raw === 'string' && raw.includes('{{')) return { timeout: DEFAULT_CONFIRM_TIMEOUT, timeoutTemplate: raw, paths: [], restore: [], runtime: [], probe: [], loc };
  if (!isMapping(raw)) {
    const timeout = f.number('commit_confirmed', { integer: true, min: 1 }) ?? DEFAULT_CONFIRM_TIMEOUT;
    return { timeout, paths: [], restore: [], runtime: [], probe: [], loc };
  }
  const c = new Fields(raw, f.subject, f.valueLoc('commit_confirmed'));
  c.checkKeys(COMMIT_CONFIRMED_KEYS, 'commit_confirmed key');
  const rawTimeout = raw.timeout;
  const timeoutTemplate = typeof rawTimeout === 'string' && rawTimeout.includes('{{') ? rawTimeout : undefined;
  const timeout = timeoutTemplate !== undefined ? DEFAULT_CONFIRM_TIMEOUT : c.number('timeout', { integer: true, min: 1 }) ?? DEFAULT_CONFIRM_TIMEOUT;
  const paths = c.stringList('paths');
  for (const p of paths) {
    if (!p.startsWith('/') && !p.startsWith('{{')) {
      fail('K8SBM_KEYWORD_INVALID', `commit_confirmed path "${p}" is not absolute`, c.valueLoc('paths'), 'write the full path on the node: /etc/ssh/sshd_config.d/10-k8sbm.conf', f.subject);
    }
  }
  const runtime = c.stringList('runtime');
  for (const r of runtime) {
    if (!isRuntimeLine(r) && !r.includes('{{')) {
      fail('K8SBM_KEYWORD_INVALID', `commit_confirmed runtime "${r}" is not known`, c.valueLoc('runtime'), RUNTIME_HINT, f.subject);
    }
  }
  return { timeout, ...(timeoutTemplate !== undefined ? { timeoutTemplate } : {}), paths, restore: c.stringList('restore'), runtime, probe: c.stringList('probe'), loc };
}
