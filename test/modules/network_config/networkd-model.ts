/**
 * A systemd-networkd configuration as a comparable model, so the files netplan generates and the
 * files our networkd renderer writes can be compared for meaning, not bytes.
 *
 * Each .netdev and .network file becomes a sorted list of `Section.Key=value` entries, keyed by
 * `netdev NAME` / `network NAME` (the file's name does not count: netplan writes 10-netplan-*,
 * we write 10-k8sbm-*). Written differently, meaning the same:
 * - `Gateway=` in [Network] is a route to the default destination, as netplan writes it
 *   ([Route] Destination=0.0.0.0/0 Gateway=...); every [Route] section becomes one `Route=` entry.
 * - No `LinkLocalAddressing=` is networkd's default, `ipv6`: netplan always writes it.
 * - `STP=` and other booleans: false/no/0 and true/yes/1 are one value each.
 * - `Domains=` is a list, in one line or several.
 * Written by netplan only, by design, and left out:
 * - `ConfigureWithoutCarrier=yes` on every link with L3 or VLANs (netplan's choice, so addresses
 *   are set before the cable is up; networkd's default waits for carrier, which is what we want).
 * - The [DHCP]/[DHCPv4] sections of a DHCP link (netplan's route metric and MTU defaults).
 * - .link files (udev: the MTU and WakeOnLan at the NIC's renaming), udev rules and the
 *   netplan-ovs-cleanup unit: outside /run/systemd/network/*.net{dev,work}, not read here.
 */

export type NetworkdModel = Record<string, string[]>;

interface IniSection {
  readonly name: string;
  readonly entries: [string, string][];
}

export function parseIni(text: string): IniSection[] {
  const out: IniSection[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) { out.push({ name: head[1], entries: [] }); continue; }
    const eq = line.indexOf('=');
    if (eq < 0 || out.length === 0) throw new Error(`not an INI line: ${line}`);
    out[out.length - 1].entries.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return out;
}

const IGNORED_KEYS = new Set(['Network.ConfigureWithoutCarrier']);
const IGNORED_SECTIONS = new Set(['DHCP', 'DHCPv4']);
const BOOLEAN_KEYS = new Set(['Bridge.STP']);

const bool = (v: string): string => (/^(yes|true|on|1)$/i.test(v) ? 'yes' : /^(no|false|off|0)$/i.test(v) ? 'no' : v);
const dest = (v: string | undefined): string => (v === undefined || v === '0.0.0.0/0' || v === '::/0' ? 'default' : v);

function route(to: string | undefined, via: string | undefined, metric: string | undefined): string {
  return `Route=${dest(to)}${via !== undefined ? ` via ${via}` : ''}${metric !== undefined ? ` metric ${metric}` : ''}`;
}

/** One file's entries, normalized; `kind` is netdev or network. */
export function modelOf(kind: 'netdev' | 'network', text: string): { key: string; entries: string[] } {
  const sections = parseIni(text);
  const entries: string[] = [];
  let name: string | undefined;
  let linkLocal = 'ipv6';
  for (const s of sections) {
    if (IGNORED_SECTIONS.has(s.name)) continue;
    if (s.name === 'Route') {
      const get = (k: string): string | undefined => s.entries.find(([key]) => key === k)?.[1];
      entries.push(route(get('Destination'), get('Gateway'), get('Metric')));
      continue;
    }
    for (const [k, v] of s.entries) {
      const id = `${s.name}.${k}`;
      if (IGNORED_KEYS.has(id)) continue;
      if ((kind === 'network' && id === 'Match.Name') || (kind === 'netdev' && id === 'NetDev.Name')) { name = v; continue; }
      if (id === 'Network.LinkLocalAddressing') { linkLocal = v; continue; }
      if (id === 'Network.Gateway') { entries.push(route(undefined, v, undefined)); continue; }
      if (id === 'Network.Domains') { entries.push(...v.split(/\s+/).map((d) => `${id}=${d}`)); continue; }
      entries.push(`${id}=${BOOLEAN_KEYS.has(id) ? bool(v) : v}`);
    }
  }
  if (name === undefined) throw new Error(`a .${kind} file without a name:\n${text}`);
  if (kind === 'network') entries.push(`Network.LinkLocalAddressing=${linkLocal}`);
  return { key: `${kind} ${name}`, entries: entries.sort() };
}

/** The model of a set of files (path -> text); files other than .netdev/.network are not read. */
export function networkdModel(files: Readonly<Record<string, string>>): NetworkdModel {
  const model: NetworkdModel = {};
  for (const [path, text] of Object.entries(files)) {
    const ext = /\.(netdev|network)$/.exec(path)?.[1] as 'netdev' | 'network' | undefined;
    if (ext === undefined) continue;
    const { key, entries } = modelOf(ext, text);
    if (key in model) throw new Error(`two files for ${key}`);
    model[key] = entries;
  }
  return Object.fromEntries(Object.entries(model).sort(([a], [b]) => (a < b ? -1 : 1)));
}
