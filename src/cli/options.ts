import { parseArgs } from 'node:util';
import type { Argv, Options } from 'yargs';

/**
 * A command line option, declared once: yargs is told of it (help, errors, every command line)
 * and the quick parser below reads it (the run and plan command lines that need nothing more).
 */
export interface OptionSpec {
  readonly name: string;
  readonly alias?: string;
  /** count: a flag that may be repeated (-vv); string options may always be repeated, as with yargs. */
  readonly type: 'string' | 'boolean' | 'number' | 'count';
  readonly describe: string;
  readonly default?: boolean;
  readonly choices?: readonly string[];
}

/** Tells yargs of the options, in their order. */
export function withOptions<T>(y: Argv<T>, specs: readonly OptionSpec[]): Argv<T> {
  let out = y;
  for (const s of specs) {
    const o: Options = { type: s.type, describe: s.describe };
    if (s.alias !== undefined) o.alias = s.alias;
    if (s.default !== undefined) o.default = s.default;
    if (s.choices !== undefined) o.choices = [...s.choices];
    out = out.option(s.name, o) as Argv<T>;
  }
  return out;
}

const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Reads `<positional> [options]` the way yargs would, for a command line plain enough to be sure
 * of that; anything else is undefined, and yargs reads it (and explains what is wrong with it):
 * --help, an unknown or misspelt option, --no-FLAG, `--`, a flag followed by a bare true or false
 * (yargs takes that as the flag's value), a short option with its value attached (-iFILE), a
 * value that starts with a dash, a boolean given twice, a number that is not plainly one, a value
 * outside an option's choices, not exactly one positional. The result has what yargs's has: each
 * option under its name, its camelCase name and its alias, a string given twice as a list, a
 * boolean's default, a count's 0. Loading yargs and its help layout libraries is a sixth of a
 * short run's start-up; a test holds this parser's results to yargs's on many command lines.
 */
export function quickParse(args: readonly string[], positional: string, specs: readonly OptionSpec[]): Record<string, unknown> | undefined {
  const byShort = new Map(specs.filter((s) => s.alias !== undefined).map((s) => [s.alias!, s]));
  for (const a of args) {
    if (a === '--' || a === 'true' || a === 'false' || a === '-h' || a === '--help' || a === '--version' || a.startsWith('--no-')) return undefined;
    // A group of short flags (-CD, -vv) is read alike by both; a short option with a value in the same word is not.
    if (/^-[^-]/.test(a) && ![...a.slice(1)].every((c) => { const t = byShort.get(c)?.type; return t === 'boolean' || t === 'count'; })) {
      if (a.length !== 2) return undefined;
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: Object.fromEntries(specs.map((s) => [s.name, {
        type: s.type === 'string' || s.type === 'number' ? 'string' as const : 'boolean' as const,
        multiple: true,
        ...(s.alias !== undefined ? { short: s.alias } : {}),
      }])),
      allowPositionals: true,
      strict: true,
    });
  } catch {
    return undefined;
  }
  if (parsed.positionals.length !== 1) return undefined;
  const out: Record<string, unknown> = { [positional]: parsed.positionals[0] };
  for (const s of specs) {
    const given = parsed.values[s.name] as (string | boolean)[] | undefined;
    let v: unknown;
    if (s.type === 'count') v = given?.length ?? 0;
    else if (given === undefined) v = s.default;
    else if (s.type === 'boolean') {
      if (given.length > 1) return undefined;
      v = given[0];
    } else {
      const values = given as string[];
      if (values.some((x) => x.startsWith('-') && s.type !== 'number')) return undefined;
      if (s.type === 'number') {
        if (!values.every((x) => /^-?\d+(\.\d+)?$/.test(x))) return undefined;
        v = values.length === 1 ? Number(values[0]) : values.map(Number);
      } else {
        if (s.choices !== undefined && !values.every((x) => s.choices!.includes(x))) return undefined;
        v = values.length === 1 ? values[0] : values;
      }
    }
    if (v === undefined) continue;
    out[s.name] = v;
    out[camel(s.name)] = v;
    if (s.alias !== undefined) out[s.alias] = v;
  }
  return out;
}
