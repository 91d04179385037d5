import { factCommandFailed } from '../../facts/types.js';
/**
 * One HTTP(S) request made ON the node, with curl, else wget, else python3 (urllib), whichever
 * the node has first: decided inside the same exec. Like wait_for's script it travels on stdin
 * (`sh -s -- ARGS`), runs as one function with </dev/null, and takes user data only as
 * positional parameters.
 *
 *   $1 url  $2 method (GET|HEAD)  $3 timeout s  $4 validate certs (1|0)  $5 CA file
 *   $6 client cert  $7 client key  $8 body limit in bytes  $9 follow redirects (1|0)
 *   $10 tool (auto|curl|wget|python3)
 *
 * stdout: with curl and python3, the response's header block(s) then the body; with wget, the
 * body alone (its -S puts the headers on stderr). Cut after LIMIT bytes ($8, one more than the
 * module keeps, so a longer response shows as truncated).
 * stderr: `k8sbm-uri 1`, `tool=...`, the tool's own messages (and wget's headers), and last
 * `k8sbm-uri-end rc=N elapsed_ms=M`.
 */
export const URI_SCRIPT = `k8sbm_uri() {
url=$1 method=$2 timeout=$3 verify=$4 ca=$5 cert=$6 key=$7 limit=$8 follow=$9 tool=\${10}
now_ms() {
  t=$(date +%s%N 2>/dev/null)
  case $t in
    ''|*[!0-9]*) echo "$(date +%s)000" ;;
    *) echo "$((t / 1000000))" ;;
  esac
}
if [ "$tool" = auto ]; then
  if command -v curl >/dev/null 2>&1; then tool=curl
  elif command -v wget >/dev/null 2>&1; then tool=wget
  elif command -v python3 >/dev/null 2>&1; then tool=python3
  else tool=none
  fi
fi
printf 'k8sbm-uri 1\\ntool=%s\\n' "$tool" >&2
fetch_curl() {
  set -- -sS --max-time "$timeout" -D -
  if [ "$method" = HEAD ]; then set -- "$@" -I -o /dev/null; else set -- "$@" -o -; fi
  [ "$verify" = 1 ] || set -- "$@" -k
  [ -z "$ca" ] || set -- "$@" --cacert "$ca"
  [ -z "$cert" ] || set -- "$@" --cert "$cert"
  [ -z "$key" ] || set -- "$@" --key "$key"
  [ "$follow" = 0 ] || set -- "$@" -L
  curl "$@" -- "$url"
}
fetch_wget() {
  set -- -S -O - -T "$timeout"
  if wget --help 2>&1 | grep -q -- --content-on-error; then
    # GNU wget: errors but no progress, one try, the body of error responses too, redirects only when asked.
    set -- "$@" -nv --tries=1 --content-on-error
    [ "$follow" = 1 ] || set -- "$@" --max-redirect=0
    [ "$method" = GET ] || set -- "$@" --method="$method"
    [ -z "$ca" ] || set -- "$@" --ca-certificate="$ca"
    [ -z "$cert" ] || set -- "$@" --certificate="$cert"
    [ -z "$key" ] || set -- "$@" --private-key="$key"
  else
    if [ -n "$ca$cert$key" ]; then echo 'wget: this wget (busybox) cannot use ca_path, client_cert or client_key' >&2; return 2; fi
    set -- "$@" -q
    [ "$method" = GET ] || set -- "$@" --spider
  fi
  [ "$verify" = 1 ] || set -- "$@" --no-check-certificate
  wget "$@" -- "$url"
}
fetch_python3() {
  python3 -c 'import ssl, sys, urllib.error, urllib.request
url, method, timeout, verify, ca, cert, key, limit, follow = sys.argv[1:10]
handlers = []
if url.startswith("https:"):
    ctx = ssl.create_default_context(cafile=ca or None)
    if verify != "1":
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if cert:
        ctx.load_cert_chain(cert, key or None)
    handlers.append(urllib.request.HTTPSHandler(context=ctx))
if follow != "1":
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args):
            return None
    handlers.append(NoRedirect)
try:
    r = urllib.request.build_opener(*handlers).open(urllib.request.Request(url, method=method), timeout=float(timeout))
except urllib.error.HTTPError as e:
    r = e
except Exception as e:
    sys.stderr.write("python3: %s\\n" % (getattr(e, "reason", None) or e))
    sys.exit(7)
out = sys.stdout.buffer
out.write(("HTTP/%s %d %s\\r\\n" % ("1.1" if getattr(r, "version", 11) == 11 else "1.0", r.status, r.reason)).encode("latin-1"))
for k, v in r.headers.items():
    out.write(("%s: %s\\r\\n" % (k, v)).encode("latin-1", "replace"))
out.write(b"\\r\\n")
if method != "HEAD":
    out.write(r.read(int(limit)))' "$url" "$method" "$timeout" "$verify" "$ca" "$cert" "$key" "$limit" "$follow"
}
fetch_none() { echo 'no program to make HTTP requests with (curl, wget or python3)' >&2; return 127; }
start=$(now_ms)
exec 4>&1
rc=$( { { "fetch_$tool" 3>&- 4>&-; echo "$?" >&3; } | head -c "$limit" >&4; } 3>&1 )
printf 'k8sbm-uri-end rc=%s elapsed_ms=%s\\n' "$rc" "$(( $(now_ms) - start ))" >&2
}
k8sbm_uri "$@" </dev/null
`;
/** Bodies are read up to this many bytes; longer ones come back cut and marked truncated. */
export const URI_BODY_LIMIT = 1024 * 1024;
/** The probe: `sh -s -- ARGS`, with URI_SCRIPT as its stdin. */
export function uriArgv(r) {
    return [
        'sh', '-s', '--',
        r.url, r.method, String(r.timeout), r.validateCerts ? '1' : '0', r.caPath ?? '', r.clientCert ?? '', r.clientKey ?? '',
        String((r.limit ?? URI_BODY_LIMIT) + 1), r.followRedirects ? '1' : '0', r.tool ?? 'auto',
    ];
}
const STATUS_LINE = /^\s*HTTP\/[\d.]+ (\d{3})\b/;
const HEADER_LINE = /^\s*([A-Za-z0-9-]+):\s?(.*)$/;
/** Feed one header-block line; false when the line is neither a status line nor a header. */
function headerLine(st, line) {
    const m = STATUS_LINE.exec(line);
    if (m) {
        // A 1xx interim response is followed by the real one; a redirect by its target's when following.
        st.status = Number(m[1]);
        st.headers = {};
        return true;
    }
    const h = HEADER_LINE.exec(line);
    if (h && st.status !== undefined && !/^(curl|wget|python3)$/.test(h[1])) {
        st.headers[h[1].toLowerCase()] = h[2].trim();
        return true;
    }
    return false;
}
/** Pure: the script's output -> the response (or why there was none). */
export function parseUriOutput(res, limit = URI_BODY_LIMIT) {
    const lines = res.stderr.split(/\r?\n/);
    const start = lines.indexOf('k8sbm-uri 1');
    const endLine = lines.find((l) => l.startsWith('k8sbm-uri-end '));
    if (res.code !== 0 || start < 0 || endLine === undefined) {
        throw factCommandFailed('uri', `the request script did not run`, res);
    }
    const tool = /^tool=(.*)$/.exec(lines[start + 1] ?? '')?.[1] ?? 'none';
    const end = /rc=(\d+) elapsed_ms=(-?\d+)/.exec(endLine);
    const st = { headers: {} };
    const errors = [];
    for (const line of lines.slice(start + 2)) {
        if (line.startsWith('k8sbm-uri-end '))
            break;
        // wget -S indents the headers it prints on stderr; anything else there is a complaint.
        if (tool === 'wget' && /^\s/.test(line) && headerLine(st, line))
            continue;
        if (line.trim() !== '')
            errors.push(line.trim());
    }
    let out = res.stdout;
    if (tool !== 'wget') {
        // curl -D - and the python3 fallback put the header block(s) before the body.
        while (STATUS_LINE.test(out.slice(0, 20))) {
            const m = /\r?\n\r?\n/.exec(out);
            const block = m ? out.slice(0, m.index) : out;
            for (const line of block.split(/\r?\n/))
                headerLine(st, line);
            out = m ? out.slice(m.index + m[0].length) : '';
        }
    }
    const truncated = Buffer.byteLength(res.stdout, 'utf8') > limit;
    const body = truncated ? Buffer.from(out, 'utf8').subarray(0, Math.max(0, limit - (res.stdout.length - out.length))).toString('utf8') : out;
    return { tool, rc: Number(end?.[1] ?? -1), elapsedMs: Number(end?.[2] ?? 0), status: st.status, headers: st.headers, body, truncated, errors };
}
//# sourceMappingURL=uri-script.js.map