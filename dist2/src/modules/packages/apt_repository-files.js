/**
 * apt_repository writes its keyring and its list file in ONE exec, so adding a signed source is
 * two round trips after the fact (write, refresh) instead of four. Each file is written to a
 * temporary file in its own directory, given root ownership and mode 0644 (apt reads sources
 * and keyrings as the unprivileged _apt user), and renamed over the old one: apt never sees a
 * half-written file. Content arrives base64-encoded as a positional parameter.
 *
 *   sh -c FILES_SCRIPT k8sbm-apt-files (write PATH BASE64 | remove PATH)...
 */
export const FILES_SCRIPT = `tmp=
trap 'if [ -n "$tmp" ]; then rm -f -- "$tmp"; fi' EXIT
fail() { printf 'k8sbm-apt-files: %s\\n' "$1" >&2; exit 1; }
while [ $# -gt 0 ]; do
  op=$1 path=$2
  shift 2
  case $op in
    write)
      data=$1
      shift
      dir=\${path%/*}
      [ -n "$dir" ] || dir=/
      if [ ! -d "$dir" ]; then mkdir -p -m 0755 -- "$dir" || fail "cannot create $dir"; fi
      tmp=$(mktemp "$dir/.\${path##*/}.k8sbm-XXXXXX") || { tmp=; fail "cannot create a temporary file in $dir"; }
      printf '%s' "$data" | base64 -d > "$tmp" || fail "cannot write $tmp"
      chmod 0644 "$tmp" || fail "cannot set the mode of $tmp"
      if [ "$(id -u)" = 0 ]; then chown 0:0 "$tmp" || fail "cannot give $tmp to root"; fi
      mv -f -- "$tmp" "$path" || fail "cannot move the new file into place at $path"
      tmp=
      ;;
    remove)
      rm -f -- "$path" || fail "cannot remove $path"
      ;;
    *) fail "unknown operation $op" ;;
  esac
done
`;
export function filesAction(ops) {
    const args = [];
    for (const o of ops) {
        if (o.op === 'write')
            args.push('write', o.path, o.content.toString('base64'));
        else
            args.push('remove', o.path);
    }
    return { kind: 'exec', argv: ['sh', '-c', FILES_SCRIPT, 'k8sbm-apt-files', ...args] };
}
//# sourceMappingURL=apt_repository-files.js.map