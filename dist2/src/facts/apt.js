import { fileFactArgv, normalizeFilePath, parseFileFactOutput } from './file.js';
import { FactParseError, factCommandFailed } from './types.js';
// $4 is the file fact's script, run once per path in its own shell (its `exit` ends only that
// shell). A section marker starts with "@@", which base64 output never holds.
const APT_SOURCE_SCRIPT = `list=$1 keyring=$2 url=$3 file_script=$4
echo 'k8sbm-apt-source 1'
echo '@@list'
sh -c "$file_script" k8sbm-file "$list" "\${list%/*}"
echo "@@rc $?"
if [ -n "$keyring" ]; then
  echo '@@keyring'
  sh -c "$file_script" k8sbm-file "$keyring" "\${keyring%/*}"
  echo "@@rc $?"
fi
if [ -n "$url" ]; then
  echo '@@key'
  tmp=$(mktemp) || exit 1
  if command -v curl >/dev/null 2>&1; then curl -fsSL --max-time 60 "$url" -o "$tmp" 2>"$tmp.err"
  elif command -v wget >/dev/null 2>&1; then wget -q -T 60 -O "$tmp" "$url" 2>"$tmp.err"
  else echo 'neither curl nor wget is installed' > "$tmp.err"; false; fi
  rc=$?
  if [ "$rc" -eq 0 ]; then echo 'fetched='; base64 < "$tmp"; else printf 'error=%s\\n' "$(tail -n 3 "$tmp.err" | tr '\\n' ' ')"; echo "@@rc $rc"; fi
  rm -f "$tmp" "$tmp.err"
fi
echo '@@end'
`;
export function aptSourceKey(q) {
    return [normalizeFilePath(q.list), q.keyring ? normalizeFilePath(q.keyring) : '', q.keyUrl ?? ''].join('|');
}
export function aptSourceArgv(q) {
    const fileScript = fileFactArgv('/')[2];
    return ['sh', '-c', APT_SOURCE_SCRIPT, 'k8sbm-apt-source', normalizeFilePath(q.list), q.keyring ? normalizeFilePath(q.keyring) : '', q.keyUrl ?? '', fileScript];
}
function sectionsOf(stdout) {
    const lines = stdout.split('\n');
    const start = lines.indexOf('k8sbm-apt-source 1');
    if (start < 0)
        throw new FactParseError('apt_source', `unexpected output: ${stdout.slice(0, 200)}`);
    const out = new Map();
    let current;
    for (const line of lines.slice(start + 1)) {
        if (line.startsWith('@@rc ')) {
            if (current)
                current.rc = Number(line.slice(5));
        }
        else if (line.startsWith('@@')) {
            current = { lines: [], rc: 0 };
            out.set(line.slice(2), current);
        }
        else {
            current?.lines.push(line);
        }
    }
    if (!out.has('end'))
        throw new FactParseError('apt_source', 'the query stopped early (no end marker)');
    return out;
}
function fileSection(s, path) {
    if (!s)
        throw new FactParseError('apt_source', `no answer for ${path}`);
    return parseFileFactOutput({ code: s.rc, signal: null, stdout: s.lines.join('\n'), stderr: '' }, path);
}
/** Pure: the script's output -> AptSourceState. */
export function parseAptSourceOutput(res, q) {
    if (res.code !== 0) {
        throw factCommandFailed('apt_source', `cannot inspect ${q.list}`, res);
    }
    const sec = sectionsOf(res.stdout);
    const { content, ...list } = fileSection(sec.get('list'), normalizeFilePath(q.list));
    const state = { list };
    if (content !== undefined)
        state.listText = content.toString('utf8');
    if (q.keyring) {
        const { content: _bytes, ...keyring } = fileSection(sec.get('keyring'), normalizeFilePath(q.keyring));
        state.keyring = keyring;
    }
    if (q.keyUrl) {
        const key = sec.get('key');
        const lines = key?.lines ?? [];
        const at = lines.indexOf('fetched=');
        if (key && key.rc === 0 && at >= 0)
            state.fetchedKey = { base64: lines.slice(at + 1).join('') };
        else {
            const err = lines.find((l) => l.startsWith('error='))?.slice(6).trim();
            state.fetchedKey = { error: `${err || 'no answer'}${key && key.rc ? ` (exit ${key.rc})` : ''}` };
        }
    }
    return state;
}
export const aptSourceFact = {
    name: 'apt_source',
    key: aptSourceKey,
    argv: aptSourceArgv,
    parse: parseAptSourceOutput,
};
//# sourceMappingURL=apt.js.map