import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { packageFactKey, packagesFact, type PackageFacts, type PackageManagerName, type PackageQuery } from '../../facts/packages.js';
import { aptAction } from './package-apt.js';
import {
  cacheFreshReason, decidePackages, decisionStates, hasChanges, PACKAGE_STATES, predictPackage, summarizeDecision, type PackageDecision,
} from './package-decide.js';
import { dnfAction } from './package-dnf.js';
import { PACKAGE_SPEC_PATTERN, parsePackageSpec, type PackageBackend, type PackageSpec } from './package-spec.js';
import { Seconds, StringEnum } from '../../schema/formats.js';
import { defineModule, type Effect, type Plan, type PlanContext } from '../types.js';

const NAME_ITEM = Type.String({ pattern: PACKAGE_SPEC_PATTERN });

const schema = Type.Object({
  name: Type.Optional(Type.Union([NAME_ITEM, Type.Array(NAME_ITEM, { minItems: 1 })], {
    description: 'Package name(s), optionally pinned: "kubelet=1.31.2-1.1" (apt) or "kubelet-1.31.2" (dnf); apt also takes "kubelet=1.31.*".',
  })),
  state: Type.Optional(StringEnum(PACKAGE_STATES, {
    default: 'present',
    description: 'present: installed (at the pinned version, if any); latest: the newest the repositories offer; absent: removed.',
  })),
  update_cache: Type.Optional(Type.Boolean({
    default: false,
    description: 'Refresh the package lists before installing (only when something is to be installed, or when no name is given).',
  })),
  cache_valid_time: Type.Optional(Seconds({
    default: 0,
    description: 'apt: seconds the lists stay fresh; a refresh within this time is skipped (0: always refresh when update_cache is true).',
  })),
  hold: Type.Optional(Type.Boolean({
    description: 'true: hold the package at its version (apt-mark hold, dnf versionlock); false: release a hold. Unset: leave holds alone.',
  })),
  install_recommends: Type.Optional(Type.Boolean({
    description: 'Install recommended packages too (apt Recommends, dnf weak dependencies). Unset: the host\'s own default.',
  })),
  purge: Type.Optional(Type.Boolean({ default: false, description: 'apt, state absent: also remove configuration files.' })),
  lock_timeout: Type.Optional(Seconds({
    default: 300,
    description: 'apt: seconds to wait for another apt or dpkg (unattended upgrades) to release its lock.',
  })),
  use: Type.Optional(StringEnum(['auto', 'apt', 'dnf'], { default: 'auto', description: 'The package manager; auto: from gathered facts (pkg_mgr), or found on the host.' })),
}, {
  additionalProperties: false,
  anyOf: [{ required: ['name'] }, { required: ['update_cache'] }],
  allOf: [
    {
      if: { properties: { hold: { const: true } }, required: ['hold'] },
      then: {
        properties: { state: { enum: ['present', 'latest'] } },
        errorMessage: 'hold: true keeps a package installed; it cannot go with state: absent',
        errorHint: 'drop hold (a removed package needs no hold), or write hold: false to release a hold as it goes',
      },
    },
    {
      if: { properties: { use: { const: 'dnf' } }, required: ['use'] },
      then: {
        properties: { purge: { const: false } },
        errorMessage: 'purge is apt only: dnf removes configuration files it did not change anyway',
        errorHint: 'drop purge (state: absent removes the package), or use: apt',
      },
    },
  ],
});

type PackageParams = Static<typeof schema>;

/**
 * Names with a version, where the version can be told without the host: apt's "name=version"
 * always (no other package manager takes "="), dnf's "name-version" when use: dnf says so. With
 * use: auto, "foo-1.2" is a dnf pin only on a dnf host: plan judges that one.
 */
function pinnedWhateverTheHost(p: PackageParams): string[] {
  const names = p.name === undefined ? [] : typeof p.name === 'string' ? [p.name] : p.name;
  return names.filter((n) => n.includes('=') || (p.use === 'dnf' && parsePackageSpec(n, 'dnf').version !== undefined));
}

/** The backend gathered facts name, if they were gathered and name one this module drives. */
function backendFromFacts(ctx: PlanContext): PackageManagerName | 'auto' | 'unsupported' {
  const facts = ctx.vars.facts as { pkg_mgr?: unknown } | undefined;
  const pm = facts && typeof facts === 'object' ? facts.pkg_mgr : undefined;
  if (pm === 'apt' || pm === 'dnf') return pm;
  if (typeof pm === 'string' && pm !== 'unknown' && pm !== '') return 'unsupported';
  return 'auto';
}

/**
 * Names to ask the host about. With the backend not yet known, "foo-1.2" is either an apt package
 * of that name or dnf's foo at 1.2: both are asked (dpkg/rpm ignore names they do not know).
 */
export function queryNames(specs: readonly string[], backend: PackageBackend | 'auto'): string[] {
  const names = new Set<string>();
  for (const s of specs) {
    if (backend !== 'auto') names.add(parsePackageSpec(s, backend).name);
    else {
      names.add(parsePackageSpec(s, 'apt').name);
      if (!s.includes('=')) names.add(parsePackageSpec(s, 'dnf').name);
    }
  }
  return [...names];
}

function packageEffects(d: PackageDecision, facts: PackageFacts, query: PackageQuery, specs: readonly PackageSpec[]): Effect[] {
  const cacheAge = d.update ? 0 : facts.cacheAge;
  const predicted = Object.fromEntries(specs.map((s) => [s.name, predictPackage(d, s.name, facts.packages[s.name])]));
  // One prediction per package (what a later task about that package reads), and one for this
  // exact set of names (what this task would read again).
  const effects: Effect[] = specs.map((s) => ({
    fact: packagesFact.name,
    key: packageFactKey({ names: [s.name] }),
    value: { manager: facts.manager, packages: { [s.name]: predicted[s.name] }, cacheAge } satisfies PackageFacts,
  }));
  const batchKey = packageFactKey(query);
  if (!effects.some((e) => e.key === batchKey)) {
    effects.push({ fact: packagesFact.name, key: batchKey, value: { manager: facts.manager, packages: { ...facts.packages, ...predicted }, cacheAge } satisfies PackageFacts });
  }
  return effects;
}

async function plan(ctx: PlanContext, p: PackageParams): Promise<Plan> {
  const state = p.state ?? 'present';
  const raw = p.name === undefined ? [] : typeof p.name === 'string' ? [p.name] : [...p.name];
  const fromFacts = p.use && p.use !== 'auto' ? p.use : backendFromFacts(ctx);
  if (fromFacts === 'unsupported') {
    return { kind: 'fail', msg: `the package module drives apt and dnf; this host's package manager is ${String((ctx.vars.facts as { pkg_mgr?: unknown }).pkg_mgr)}` };
  }
  const query: PackageQuery = { names: queryNames(raw, fromFacts), manager: fromFacts, candidates: state === 'latest' };
  const facts = await ctx.fact(packagesFact, query);
  if (facts.manager === 'unknown') return { kind: 'fail', msg: `no supported package manager on ${ctx.host}: neither apt-get nor dnf was found` };
  const backend: PackageBackend = facts.manager;
  const specs = raw.map((s) => parsePackageSpec(s, backend));
  // What the params say whatever the host was refused when they were loaded; what is left here
  // depends on which package manager this host turned out to have (use: auto).
  if (state === 'latest') {
    const pinned = specs.filter((s) => s.version !== undefined).map((s) => s.spec);
    if (pinned.length) return { kind: 'fail', msg: `state: latest takes names without versions (got ${pinned.join(', ')}, which ${backend} reads as pinned); pin with state: present` };
  }
  if (backend === 'dnf' && p.purge) return { kind: 'fail', msg: 'purge is apt only: dnf removes configuration files it did not change anyway (this host has dnf)' };

  const d = decidePackages({
    backend, specs, state, facts, hold: p.hold, purge: p.purge,
    updateCache: p.update_cache === true, cacheValidTime: p.cache_valid_time ?? 0,
  });
  const result = { manager: backend, packages: specs.map((s) => s.name) };
  if (d.errors.length) return { kind: 'fail', msg: d.errors.join('; '), result };
  if (!hasChanges(d)) {
    const reasons = [...d.unchanged];
    if (specs.length === 0) reasons.push(cacheFreshReason({ facts, cacheValidTime: p.cache_valid_time ?? 0 }));
    return { kind: 'ok', reason: reasons.join('; '), result };
  }
  const action = backend === 'apt'
    ? aptAction(d, { lockTimeout: p.lock_timeout ?? 300, installRecommends: p.install_recommends })
    : dnfAction(d, { installRecommends: p.install_recommends });
  const { before, after } = decisionStates(d, facts);
  return {
    kind: 'change',
    summary: summarizeDecision(d),
    diffs: Object.keys(before).length ? [{ kind: 'state', subject: `packages (${backend})`, before, after }] : [],
    actions: [action],
    effects: packageEffects(d, facts, query, specs),
    result: { ...result, cache_updated: d.update !== null },
  };
}

export const packageModule = defineModule({
  name: 'package',
  schema,
  rules: [{
    params: ['name', 'state', 'use'],
    check(p) {
      const pinned = p.state === 'latest' ? pinnedWhateverTheHost(p) : [];
      if (pinned.length === 0) return undefined;
      return {
        message: `state: latest takes names without versions (got ${pinned.join(', ')})`,
        hint: 'pin a version with state: present, or drop the version to get the newest',
        param: 'name',
      };
    },
  }],
  doc: {
    summary: 'Makes packages installed (at a pinned version or the newest), held, or removed, with apt or dnf.',
    check: 'full',
    diff: 'state',
    example: `- name: Kubernetes packages at the cluster's version, held
  package:
    name: [kubelet=1.31.2-1.1, kubeadm=1.31.2-1.1, kubectl=1.31.2-1.1]
    update_cache: true
    cache_valid_time: 3600
    hold: true
- name: tools without their recommends
  package: { name: [jq, ipvsadm], install_recommends: false }
- name: no telnet
  package: { name: telnet, state: absent }
`,
    notes: [
      'One exec reads every named package (dpkg-query or rpm -q, plus apt-cache policy / dnf repoquery for state: latest) and the age of the apt lists; a change is one more exec (refresh, install, hold in one script).',
      'apt runs non-interactively, keeps changed configuration files (--force-confdef/--force-confold) and waits up to lock_timeout seconds for another apt or dpkg.',
      'The lists are refreshed only when something is to be installed: a task whose packages are in place reports ok without touching the network.',
      'state: latest with update_cache and a stale (or no) cache_valid_time refreshes and installs whatever is newest, and reports a change: set cache_valid_time to make it idempotent.',
      'Check mode predicts each package\'s state, so a later service task for a service the package ships (same name) plans instead of failing.',
      'dnf: pins are name-version or name-version-release; holds need the versionlock plugin; update_cache is --refresh.',
    ],
  },
  plan,
});
