#!/usr/bin/env bash
# Replace a shipped upstream release (MetalLB or Rook) with another version, fetched from the
# project's public GitHub repository at the release tag, and rewrite its VERSION and SHA256SUMS.
# For maintainers; the tests check the shipped files against SHA256SUMS and VERSION against the
# version pinned in src/modules/kubernetes/shipped-crds.ts.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/fetch-upstream.sh [--dry-run] PROJECT VERSION
       scripts/fetch-upstream.sh --help

Fetch release VERSION of PROJECT from its GitHub repository (raw files at the tag) into the
folder of the role that deploys it, replacing what is there, and rewrite VERSION and SHA256SUMS.

  PROJECT    metallb   -> roles/metallb/files/upstream/
                          LICENSE, metallb-native.yaml, crds/metallb.io_<kind>.yaml
             rook      -> roles/rook_ceph/files/upstream/
                          LICENSE, crds.yaml, common.yaml, operator.yaml, cluster.yaml,
                          csi-rbd-storageclass.yaml
  VERSION    the release tag, e.g. v0.16.1 (vMAJOR.MINOR.PATCH, optionally -rc.1 and the like)

  --dry-run  print what would be fetched (URL and destination), fetch nothing
  --help     this text

Nothing is replaced unless every file downloads and names the requested version. Afterwards,
set the same version in src/modules/kubernetes/shipped-crds.ts and run the tests.
EOF
}

die() { # code message...
  local code=$1; shift
  printf 'fetch-upstream: %s\n' "$*" >&2
  exit "$code"
}

dry_run=false
args=()
for a in "$@"; do
  case "$a" in
    -h|--help) usage; exit 0 ;;
    --dry-run) dry_run=true ;;
    -*) die 2 "unknown option $a (see --help)" ;;
    *) args+=("$a") ;;
  esac
done
[ "${#args[@]}" -eq 2 ] || die 2 "expected PROJECT and VERSION, got ${#args[@]} argument(s) (see --help)"
project=${args[0]}
version=${args[1]}

# Refused before any download: the version becomes part of URLs and of the image names checked below.
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$ ]] \
  || die 2 "version \"$version\" is not a release tag such as v0.16.1"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
grep -q '"name": "k8sbm"' "$root/package.json" 2>/dev/null || die 1 "$root is not a k8sbm checkout"

# MetalLB's CRDs for the kinds a user writes; the controllers' own status kinds are left out.
METALLB_CRDS=(bfdprofiles bgpadvertisements bgppeers communities ipaddresspools l2advertisements)

# One "URL destination" line per file, destination relative to the release folder.
case "$project" in
  metallb)
    dest_dir=roles/metallb/files/upstream
    repo=metallb/metallb
    raw="https://raw.githubusercontent.com/$repo/$version"
    files=("$raw/LICENSE LICENSE" "$raw/config/manifests/metallb-native.yaml metallb-native.yaml")
    for k in "${METALLB_CRDS[@]}"; do files+=("$raw/config/crd/bases/metallb.io_$k.yaml crds/metallb.io_$k.yaml"); done
    # The images of the manifest carry the release tag: proof the tag's files were fetched.
    marker="quay.io/metallb/controller:$version"
    marker_file=metallb-native.yaml
    ;;
  rook)
    dest_dir=roles/rook_ceph/files/upstream
    repo=rook/rook
    raw="https://raw.githubusercontent.com/$repo/$version"
    files=("$raw/LICENSE LICENSE")
    for f in crds.yaml common.yaml operator.yaml cluster.yaml; do files+=("$raw/deploy/examples/$f $f"); done
    files+=("$raw/deploy/examples/csi/rbd/storageclass.yaml csi-rbd-storageclass.yaml")
    marker="rook/ceph:$version"
    marker_file=operator.yaml
    ;;
  *) die 2 "unknown project \"$project\": metallb or rook" ;;
esac

if $dry_run; then
  for line in "${files[@]}"; do printf '%s -> %s/%s\n' "${line% *}" "$dest_dir" "${line##* }"; done
  exit 0
fi

command -v curl >/dev/null || die 1 "curl is needed to download"
command -v sha256sum >/dev/null || die 1 "sha256sum is needed to write SHA256SUMS"

# Build the new release beside the old one, then swap: a failed fetch leaves the shipped files alone.
target="$root/$dest_dir"
mkdir -p "${target%/*}"
staging=$(mktemp -d "${target%/*}/.upstream-new.XXXXXX")
trap 'rm -rf "$staging"' EXIT

for line in "${files[@]}"; do
  url=${line% *}
  out="$staging/${line##* }"
  mkdir -p "$(dirname "$out")"
  printf 'fetching %s\n' "$url" >&2
  curl --fail --silent --show-error --location --proto '=https' --retry 3 --output "$out" "$url" \
    || die 1 "cannot download $url (is $version a release of $repo?)"
  [ -s "$out" ] || die 1 "$url is empty"
done

grep -qF "$marker" "$staging/$marker_file" || die 1 "$marker_file does not name $marker: not the files of $version"
if [ "$project" = metallb ]; then
  for k in "${METALLB_CRDS[@]}"; do
    grep -q "^  name: $k\.metallb\.io\$" "$staging/metallb-native.yaml" || die 1 "metallb-native.yaml of $version has no CRD $k.metallb.io"
  done
  # A kind added upstream is worth a look: say so, without guessing whether users write it.
  while read -r crd; do
    known=false
    for k in "${METALLB_CRDS[@]}"; do [ "$crd" = "$k" ] && known=true; done
    $known || printf 'note: %s declares CRD %s.metallb.io, not shipped (add it to METALLB_CRDS if users write it)\n' "$version" "$crd" >&2
  done < <(awk '/^kind: CustomResourceDefinition$/ { crd = 1 } /^---/ { crd = 0 } crd && /^  name: .*\.metallb\.io$/ { sub(/^  name: /, ""); sub(/\.metallb\.io$/, ""); print; crd = 0 }' "$staging/metallb-native.yaml")
fi

cat >"$staging/VERSION" <<EOF
project=$project
version=$version
release=https://github.com/$repo/releases/tag/$version
source=$raw
EOF
(cd "$staging" && find . -type f ! -name VERSION ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum) >"$staging/SHA256SUMS"

chmod -R u=rwX,go=rX "$staging"
old="$staging.old"
if [ -e "$target" ]; then mv "$target" "$old"; fi
mv "$staging" "$target"
rm -rf "$old"
trap - EXIT

printf '%s %s is in %s\n' "$project" "$version" "$dest_dir"
printf 'next: set version %s for %s in src/modules/kubernetes/shipped-crds.ts, then run the tests\n' "$version" "$project"
