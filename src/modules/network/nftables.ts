import { Type } from '../../schema/type.js';
import { normalizeFilePath } from '../../facts/file.js';
import { AbsolutePath, StringEnum } from '../../schema/formats.js';
import { sha256Hex } from '../files/file-write.js';
import { packetFromSshConnection, ruleTextsOf, sshAdmitted } from './nftables-lockout.js';
import { NFT_PROBE, parseNftProbe } from './nftables-script.js';
import { defineModule, type Action, type Diff, type Plan } from '../types.js';

const schema = Type.Object({
  table: Type.String({
    pattern: '^[A-Za-z][A-Za-z0-9_]*$',
    description: 'The table this task owns, and only it: "k8sbm". Nothing outside it is touched (never `flush ruleset`).',
    errorHint: 'a table name: letters, digits and _ ("k8sbm")',
  }),
  family: Type.Optional(StringEnum(['inet', 'ip', 'ip6', 'arp', 'bridge', 'netdev'], { default: 'inet', description: 'The table\'s family.' })),
  src: Type.Optional(Type.String({ minLength: 1, description: "A template defining the table (`table inet k8sbm { ... }`), looked up in the role's templates/ first." })),
  content: Type.Optional(Type.String({ description: 'The table definition as text, instead of src.' })),
  dest: Type.Optional(AbsolutePath({ description: 'The file that holds the table for the next boot (default /etc/nftables.d/TABLE.nft); loading it by hand replaces the table in one transaction.' })),
  state: Type.Optional(StringEnum(['present', 'absent'], { default: 'present', description: 'present: the live table and the file are the definition; absent: the table is deleted and the file removed.' })),
  lockout_check: Type.Optional(Type.Boolean({
    default: true,
    description: 'Refuse a table that would not admit a new SSH connection from where this run is connected (the node\'s $SSH_CONNECTION), before anything changes. ' +
      'Turning it off is dangerous: only a commit-confirmed rollback then saves the node.',
  })),
  mode: Type.Optional(Type.String({ pattern: '^0?[0-7]{3}$', default: '0644', description: 'Mode of the file.' })),
}, {
  additionalProperties: false,
  if: { properties: { state: { const: 'absent' } }, required: ['state'] },
  then: { not: { anyOf: [{ required: ['src'] }, { required: ['content'] }] } },
  else: { oneOf: [{ required: ['src'] }, { required: ['content'] }] },
});

/** Lines before the definition in the file: they make one `nft -f` replace the table whole. */
function atomicHeader(family: string, table: string): string {
  return `table ${family} ${table}\ndelete table ${family} ${table}\n`;
}
const HEADER_LINES = 2;

/** The file: the definition's leading comments (who manages it), the two header lines, the rest. */
export function fileWith(family: string, table: string, definition: string): { text: string; at: number } {
  const lines = definition.split('\n');
  let at = 0;
  while (at < lines.length && /^\s*(#.*)?$/.test(lines[at]!) && at < lines.length - 1) at++;
  const head = lines.slice(0, at).join('\n');
  const rest = lines.slice(at).join('\n');
  const body = rest.endsWith('\n') || rest === '' ? rest : `${rest}\n`;
  return { text: `${head}${at ? '\n' : ''}${atomicHeader(family, table)}${body}`, at };
}

/** nft's messages name the scratch file and its lines: name the definition and its own lines instead. */
function nftMessage(msg: string, where: string, at: number): string {
  return msg.replace(/^\S*\/tmp\.\w+:(\d+):(\d+)(-\d+)?:/gm, (_m, line: string, col: string, end: string | undefined) => {
    const n = Number(line);
    return `${where}:${n > at + HEADER_LINES ? n - HEADER_LINES : Math.min(n, at || 1)}:${col}${end ?? ''}:`;
  });
}

export const nftables = defineModule({
  name: 'nftables',
  doc: {
    summary: 'Keeps one nftables table exactly as defined, live and in a file loaded at boot, replacing it in one transaction and never touching other tables.',
    check: 'full',
    diff: 'state',
    example: `- name: host firewall
  nftables:
    table: k8sbm
    src: k8sbm.nft.hbs
    dest: /etc/nftables.d/k8sbm.nft
`,
    notes: [
      'One exec plans: the live table, the definition loaded into a throwaway network namespace (unshare -n) so nft prints both in its own form, the installed file\'s hash and the SSH connection. Plan compares with the live table: a rule removed by hand is drift.',
      'A change is one more exec: `nft -c -f`, then `nft -f` of the file (`table`, `delete table`, the definition: one transaction), then the file is moved into place.',
      'The definition must define its table and nothing else; `flush ruleset` is refused. Counter values and set element expiry are not compared.',
      'The lockout check follows a new SSH connection from the run\'s own address through the table\'s input chains; a rule it cannot evaluate counts against the table. It checks this table only.',
      'Needs root, nft and unshare (util-linux) on the node.',
    ],
  },
  schema,
  templateFileParams: ['src'],
  owns: (p) => [{ resource: `nft table ${p.family ?? 'inet'} ${p.table}`, value: p.state === 'absent' ? null : p.src !== undefined ? `src ${p.src}` : (p.content ?? '') }],
  async plan(ctx, p): Promise<Plan> {
    const family = p.family ?? 'inet';
    const name = `${family} ${p.table}`;
    const dest = normalizeFilePath(p.dest ?? `/etc/nftables.d/${p.table}.nft`);
    let definition = '';
    let where = 'content';
    if (p.src !== undefined) {
      const srcPath = ctx.findLocal('templates', p.src);
      definition = ctx.renderTemplate((await ctx.readLocal(srcPath)).toString('utf8'), srcPath);
      where = p.src;
    } else if (p.content !== undefined) definition = p.content;
    if (/^\s*flush\s+ruleset\b/m.test(definition)) {
      return { kind: 'fail', msg: `${where} flushes the whole ruleset: that would remove every other table (kube-proxy's, the CNI's). Define table ${name} only; it is replaced as a whole` };
    }
    const { text: fileText, at } = p.state === 'absent' ? { text: '', at: 0 } : fileWith(family, p.table, definition);
    const res = await ctx.probe(['sh', '-c', NFT_PROBE, 'k8sbm-nft', family, p.table, dest], { stdin: fileText });
    if (res.code !== 0) return { kind: 'fail', msg: `reading the nftables state failed (exit ${res.code}): ${res.stderr.trim()}` };
    const probe = parseNftProbe(res.stdout);
    if (probe.missing) return { kind: 'fail', msg: 'nft is not installed on this host (Debian and Ubuntu: package nftables)' };

    if (p.state === 'absent') {
      const actions: Action[] = [];
      if (probe.live !== null) actions.push({ kind: 'exec', argv: ['nft', 'delete', 'table', family, p.table] });
      if (probe.fileSha !== null) actions.push({ kind: 'exec', argv: ['rm', '-f', '--', dest] });
      if (!actions.length) return { kind: 'ok', reason: `table ${name} is not loaded and ${dest} does not exist` };
      return {
        kind: 'change',
        summary: [probe.live !== null ? `delete table ${name}` : '', probe.fileSha !== null ? `remove ${dest}` : ''].filter(Boolean).join('; '),
        diffs: probe.live !== null ? [{ kind: 'text', subject: `table ${name} (live)`, before: probe.live, after: null }] : [],
        actions,
        effects: [],
      };
    }
    if (probe.error !== undefined) return { kind: 'fail', msg: `nft refuses the definition of table ${name}:\n${nftMessage(probe.error, where, at)}` };
    const others = probe.tables.filter((t) => t !== `table ${name}`);
    if (others.length) return { kind: 'fail', msg: `${where} defines ${others.join(', ')} besides table ${name}: a task owns one table, define the others in tasks of their own` };
    if (!probe.tables.includes(`table ${name}`)) return { kind: 'fail', msg: `${where} does not define table ${name}` };

    const result = { table: name, dest };
    if ((p.lockout_check ?? true) && probe.sshConnection !== '') {
      const packet = packetFromSshConnection(probe.sshConnection);
      if (!packet) return { kind: 'fail', msg: `cannot read this connection's addresses from SSH_CONNECTION="${probe.sshConnection}" for the lockout check (lockout_check: false skips it)` };
      const verdict = sshAdmitted(probe.json, packet, ruleTextsOf(probe.want));
      if (!verdict.admitted) {
        const [src, , , port] = probe.sshConnection.split(/\s+/);
        return {
          kind: 'fail',
          msg: `lockout refused: table ${name} would not admit a new SSH connection from ${src} to port ${port} (this run's own connection): ${verdict.by}. ` +
            'Nothing was changed. Admit that address (admin_cidrs), or set lockout_check: false (firewall_skip_lockout_check) to rely on the commit-confirmed rollback alone',
          result: { ...result, lockout: verdict.by },
        };
      }
    }
    const fileSha = sha256Hex(Buffer.from(fileText, 'utf8'));
    const liveOk = probe.live === probe.want;
    const fileOk = probe.fileSha === fileSha;
    if (liveOk && fileOk) return { kind: 'ok', reason: `table ${name} is loaded as defined and ${dest} holds it`, result };

    const diffs: Diff[] = [];
    if (!liveOk) diffs.push({ kind: 'text', subject: `table ${name} (live)`, before: probe.live, after: probe.want });
    if (!fileOk) diffs.push({ kind: 'state', subject: dest, before: { sha256: probe.fileSha ?? 'absent' }, after: { sha256: fileSha } });
    const summary = [
      liveOk ? '' : probe.live === null ? `load table ${name}` : `replace table ${name} (the live table differs)`,
      fileOk ? '' : `${probe.fileSha === null ? 'create' : 'update'} ${dest}`,
    ].filter(Boolean).join('; ');
    return {
      kind: 'change',
      summary,
      diffs,
      actions: [{ kind: 'exec', argv: ['sh', '-c', NFT_APPLY, 'k8sbm-nft-apply', dest, (p.mode ?? '0644').padStart(4, '0')], stdin: fileText }],
      effects: [],
      result,
    };
  },
});

/**
 * sh -c NFT_APPLY k8sbm-nft-apply DEST MODE, the file on stdin: checked (`nft -c -f`), loaded (one
 * transaction: the table is replaced whole or not at all), then moved into place beside DEST.
 */
export const NFT_APPLY = `dest=$1 mode=$2
d=\${dest%/*}
mkdir -p -- "\${d:-/}" || exit 1
tmp=$(mktemp "\${d:-/}/.\${dest##*/}.k8sbm-XXXXXX") || exit 1
trap 'rm -f -- "$tmp"' EXIT
cat > "$tmp" && chmod "$mode" "$tmp" || exit 1
nft -c -f "$tmp" || exit 2
nft -f "$tmp" || exit 3
mv -f -- "$tmp" "$dest"
`;
