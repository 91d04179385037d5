/**
 * The nftables module's one probe, run as ['sh', '-c', NFT_PROBE, 'k8sbm-nft', FAMILY, NAME, DEST]
 * with the wanted file (the atomic form: `table F N`, `delete table F N`, the definition) on stdin.
 *
 * - the live table as nft lists it (`absent` when there is none);
 * - the wanted table as nft lists it, from loading the file into a throwaway network namespace
 *   (`unshare -n`): the node's own ruleset is never touched, and both sides come out in nft's
 *   own canonical form, so they compare as text; its JSON (for the lockout check) and the tables
 *   the file defines (it must define only its own);
 * - the installed file's sha256 (`absent`);
 * - $SSH_CONNECTION of the login this probe runs under, found up the process tree when become
 *   (sudo) has cleared it from the environment.
 *
 * Sections start with `--- NAME`. A file nft refuses gives `--- error` and nft's message.
 */
import { SSH_CONNECTION_SH } from './ssh-connection-script.js';
export const NFT_PROBE = `fam=$1 name=$2 dest=$3
if ! command -v nft >/dev/null 2>&1; then echo '--- missing'; exit 0; fi
want=$(mktemp) || exit 1
trap 'rm -f -- "$want"' EXIT
cat > "$want"
echo '--- live'
nft list table "$fam" "$name" 2>/dev/null || echo absent
echo '--- want'
if ! out=$(unshare -n sh -c 'nft -f "$1" && nft list table "$2" "$3" && echo "--- json" && nft -j list table "$2" "$3" && echo "--- tables" && nft list tables' k8sbm-nft-scratch "$want" "$fam" "$name" 2>&1); then
  echo '--- error'
  printf '%s\\n' "$out"
  exit 0
fi
printf '%s\\n' "$out"
echo '--- file'
if [ -f "$dest" ]; then sha256sum < "$dest" | cut -d' ' -f1; else echo absent; fi
echo '--- ssh'
${SSH_CONNECTION_SH}`;

export interface NftProbe {
  readonly missing: boolean;
  /** Set when nft refused the wanted file (its message). */
  readonly error?: string;
  /** The live table's listing, or null when the table does not exist. */
  readonly live: string | null;
  readonly want: string;
  readonly json: string;
  readonly tables: readonly string[];
  readonly fileSha: string | null;
  readonly sshConnection: string;
}

export function parseNftProbe(stdout: string): NftProbe {
  const sections = new Map<string, string>();
  let name = '';
  let buf: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^--- (\w+)$/.exec(line);
    if (m) {
      if (name) sections.set(name, buf.join('\n'));
      name = m[1]!;
      buf = [];
    } else buf.push(line);
  }
  if (name) sections.set(name, buf.join('\n'));
  const empty = { live: null, want: '', json: '{}', tables: [], fileSha: null, sshConnection: '' };
  if (sections.has('missing')) return { missing: true, ...empty };
  const live = (sections.get('live') ?? '').trim();
  const base = { missing: false, live: live === 'absent' || live === '' ? null : canonical(live) };
  if (sections.has('error')) return { ...empty, ...base, error: (sections.get('error') ?? '').trim() };
  const file = (sections.get('file') ?? '').trim();
  return {
    ...base,
    want: canonical(sections.get('want') ?? ''),
    json: (sections.get('json') ?? '{}').trim() || '{}',
    tables: (sections.get('tables') ?? '').split('\n').map((l) => l.trim()).filter(Boolean),
    fileSha: file === 'absent' || file === '' ? null : file,
    sshConnection: (sections.get('ssh') ?? '').trim(),
  };
}

/** A listing without what changes by itself: counter and quota values, set elements' expiry. */
export function canonical(listing: string): string {
  return listing
    .replace(/counter packets \d+ bytes \d+/g, 'counter')
    .replace(/ expires \S+/g, '')
    .replace(/quota (over )?(\d+ \w+) used \d+ \w+/g, 'quota $1$2')
    .split('\n').map((l) => l.replace(/\s+$/, '')).join('\n').trim();
}
