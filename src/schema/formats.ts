import type { SchemaOptions, TInteger, TString, TUnsafe } from '@sinclair/typebox';
import { Type } from './type.js';
import { parseNet } from '../template/cidr.js';
import { modeSyntaxError } from '../util/file-mode.js';
import { extendedRegexProblem } from '../util/posix-regex.js';
import { compilePythonRegex } from '../util/python-regex.js';

/**
 * What recurs in module params, once: schema builders for TypeBox (the schema is the params
 * type) and the ajv formats behind them, each with the message and hint a user sees when a
 * value does not fit. A module never re-checks what its schema says.
 */

/** A complaint about a value, in the format's own words. */
export interface FormatProblem {
  readonly message: string;
  readonly hint: string;
  /** A code other than K8SBM_PARAM_INVALID, for mistakes with a name of their own. */
  readonly code?: `K8SBM_${string}` | undefined;
}

export interface FormatSpec {
  /** Why `value` does not fit, phrased to follow the value ("is not a file mode"); undefined when it fits. */
  readonly problem: (value: string) => string | undefined;
  readonly hint: string;
  /**
   * The same check as an ECMAScript pattern, where one says it exactly: the playbook schema
   * given to editors carries it instead of a format they do not know.
   */
  readonly editorPattern?: string;
  /**
   * A value of another JSON type, explained in the format's terms (`mode: 0644`, which YAML
   * reads as the number 644). `raw` is the source text when the YAML loader kept it.
   */
  readonly wrongType?: (value: unknown, key: string, raw: { text: string; plain: boolean } | undefined) => FormatProblem | undefined;
}

/** "Invalid regular expression: /([/: Unterminated character class" -> "unterminated character class". */
function regexProblem(compile: (s: string) => unknown, s: string): string | undefined {
  try {
    compile(s);
    return undefined;
  } catch (e) {
    const why = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return `is not a valid regular expression (${why.charAt(0).toLowerCase()}${why.slice(1)})`;
  }
}

/** `mode: 0644` unquoted: YAML 1.2 reads the decimal number 644, nonsense as a mode (Ansible guesses; we refuse). */
function modeAsNumber(value: unknown, key: string, raw: { text: string; plain: boolean } | undefined): FormatProblem | undefined {
  if (typeof value !== 'number') return undefined;
  const text = raw?.plain ? raw.text.trim() : undefined;
  const digits = (text !== undefined ? /^0o?([0-7]{3,4})$/.exec(text)?.[1] ?? (/^[0-7]{3}$/.test(text) ? text : undefined) : undefined)
    ?? (/^[0-7]{3,4}$/.test(String(value)) ? String(value) : undefined);
  const suggestion = digits ? digits.padStart(4, '0') : '0644';
  if (text !== undefined) {
    return {
      code: 'K8SBM_MODE_UNQUOTED',
      message: `${key}: ${text} is read by YAML as the number ${value}, not as an octal mode`,
      hint: `quote it: ${key}: "${suggestion}"`,
    };
  }
  return { message: `${key} must be a quoted string such as "0644", got the number ${value}`, hint: `quote it: ${key}: "${suggestion}"` };
}

/** Why `s` is not a URL with one of these schemes (written scheme://) and a host (file: needs none). */
function urlProblem(s: string, schemes: readonly string[]): string | undefined {
  const wanted = schemes.map((x) => `${x}://`).join(' or ');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s)?.[1]?.toLowerCase();
  if (scheme === undefined) return `is not a URL (no ${wanted} in front)`;
  if (!schemes.includes(scheme)) return `has the scheme ${scheme}://, where ${wanted} is needed`;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return 'is not a valid URL';
  }
  if (scheme !== 'file' && url.hostname === '') return 'is a URL without a host';
  return undefined;
}

const MODE_CLAUSE = '[ugoa]*(?:[-+=](?:[ugo]|[rwxXst]*))+';

export const FORMATS = {
  'file-mode': {
    problem: (s) => (modeSyntaxError(s) === undefined ? undefined : 'is not a file mode'),
    hint: 'octal like "0644", or symbolic like "u=rw,g=r,o=r" (chmod\'s syntax)',
    editorPattern: `^(?:[0-7]{3,4}|0[0-7]{4}|${MODE_CLAUSE}(?:,${MODE_CLAUSE})*)$`,
    wrongType: modeAsNumber,
  },
  'absolute-path': {
    problem: (s) => (s.startsWith('/') ? undefined : 'is not an absolute path'),
    hint: 'write the whole path from /, e.g. "/etc/kubernetes/admin.conf"',
    editorPattern: '^/',
  },
  'file-path': {
    problem: (s) => (s.endsWith('/') ? 'ends with / (a directory), where a file is named' : undefined),
    hint: 'name the file itself, e.g. "/etc/app/app.conf"',
    editorPattern: '[^/]$',
  },
  'python-regex': {
    problem: (s) => regexProblem(compilePythonRegex, s),
    hint: 'Python re syntax; escape what is meant literally: \\. for a dot, \\( for a parenthesis, \\[ for a bracket',
  },
  regex: {
    problem: (s) => regexProblem((x) => new RegExp(x), s),
    hint: 'JavaScript syntax; escape what is meant literally: \\. for a dot, \\( for a parenthesis, \\[ for a bracket',
  },
  'extended-regex': {
    problem: (s) => {
      const why = extendedRegexProblem(s);
      return why === undefined ? undefined : `is not an extended regular expression grep -E takes (${why})`;
    },
    hint: 'POSIX extended syntax (grep -E): [[:digit:]] rather than \\d; escape what is meant literally: \\. for a dot, \\( for a parenthesis',
  },
  'http-url': {
    problem: (s) => urlProblem(s, ['http', 'https']),
    hint: 'a whole URL with its scheme, e.g. "https://127.0.0.1:6443/healthz"',
    editorPattern: '^https?://',
  },
  'download-url': {
    problem: (s) => urlProblem(s, ['http', 'https', 'ftp', 'file']),
    hint: 'a URL curl or wget fetches on the node: https://, http://, ftp:// or file:///path',
    editorPattern: '^(https?|ftp|file)://',
  },
  cidr: {
    problem: (s) => {
      if (!s.includes('/')) return 'is not a network in CIDR notation (no /prefix)';
      try {
        parseNet(s);
        return undefined;
      } catch {
        return 'is not a network in CIDR notation';
      }
    },
    hint: 'an address and a prefix length, e.g. "10.244.0.0/16" or "fd00:10:244::/56"',
  },
  'validate-command': {
    problem: (s) => (s.includes('%s') ? undefined : 'does not contain %s'),
    hint: '%s stands for the path of the new file, checked before it replaces the old one: "visudo -cf %s"',
    editorPattern: '%s',
  },
} as const satisfies Readonly<Record<string, FormatSpec>>;

export type FormatName = keyof typeof FORMATS;

export function formatSpec(name: unknown): FormatSpec | undefined {
  return typeof name === 'string' && Object.hasOwn(FORMATS, name) ? FORMATS[name as FormatName] : undefined;
}

/**
 * Annotations a schema node may carry to speak for every error under it: `errorMessage` (the
 * whole message; `{value}` is the offending value) and `errorHint`. For rules JSON Schema can
 * say but not explain, such as "recurse needs state: directory".
 */
/** Each format as ajv's definition of it (the build's precompiled validators call them by name). */
export const FORMAT_CHECKS: Readonly<Record<string, { readonly type: 'string'; readonly validate: (s: string) => boolean }>> = Object.fromEntries(
  Object.entries(FORMATS).map(([name, spec]) => [name, { type: 'string', validate: (s: string) => spec.problem(s) === undefined }]),
);

export const ERROR_ANNOTATIONS = ['errorMessage', 'errorHint'] as const;

export interface Explained {
  readonly errorMessage?: string;
  readonly errorHint?: string;
}

// ---- Builders: TypeBox schemas, so a module's params type is derived from them. ----

type Options = SchemaOptions & Explained;

export const MODE_DESCRIPTION = 'Octal ("0644", "644", "2775") or symbolic ("u=rw,g=r,o=r", "u+x", applied to the current mode). ' +
  'A string only: unquoted 0644 is read by YAML as the number 644, so write mode: "0644".';

/** A file mode as chmod takes it: "0644", "2775", "u=rw,g=r,o=r", "+x". */
export const FileMode = (o: Options = {}): TString => Type.String({ format: 'file-mode', description: MODE_DESCRIPTION, ...o });

/** A path on the node, from /. */
export const AbsolutePath = (o: Options = {}): TString => Type.String({ format: 'absolute-path', minLength: 1, ...o });

/** A path that names a file: no trailing /. */
export const FilePath = (o: Options = {}): TString => Type.String({ format: 'file-path', minLength: 1, ...o });

/** A regular expression in Python's syntax (Ansible's modules use Python's `re`). */
export const PythonRegex = (o: Options = {}): TString => Type.String({ format: 'python-regex', ...o });

/** A regular expression in JavaScript's syntax. */
export const Regex = (o: Options = {}): TString => Type.String({ format: 'regex', ...o });

/** A POSIX extended regular expression, as grep -E on the node reads it. */
export const ExtendedRegex = (o: Options = {}): TString => Type.String({ format: 'extended-regex', minLength: 1, ...o });

/** An http:// or https:// URL. */
export const HttpUrl = (o: Options = {}): TString => Type.String({ format: 'http-url', ...o });

/** A URL the node downloads from (curl or wget): http, https, ftp or file. */
export const DownloadUrl = (o: Options = {}): TString => Type.String({ format: 'download-url', ...o });

/** An IPv4 or IPv6 network: "10.244.0.0/16". */
export const Cidr = (o: Options = {}): TString => Type.String({ format: 'cidr', ...o });

/** A checker command run against a new file before it replaces the live one; %s is its path. */
export const ValidateCommand = (o: Options = {}): TString => Type.String({
  format: 'validate-command',
  description: 'Command that checks the new file before it replaces the old one; %s is the path of the new file (do not quote it), e.g. "visudo -cf %s".',
  ...o,
});

/** A TCP or UDP port number. */
export const Port = (o: Options = {}): TInteger => Type.Integer({ minimum: 1, maximum: 65535, errorHint: 'a port number from 1 to 65535', ...o });

/** A duration in whole seconds. */
export const Seconds = (o: Options & { minimum?: number } = {}): TInteger => Type.Integer({ minimum: 0, errorHint: 'a whole number of seconds', ...o });

/** One of a few words; the type is their union. An `enum` (not anyOf of consts) reads best in errors and docs. */
export const StringEnum = <const T extends readonly string[]>(values: T, o: Options = {}): TUnsafe<T[number]> =>
  Type.Unsafe<T[number]>({ enum: [...values], ...o });

/** A user or group: a name or a numeric id. */
export const NameOrId = (o: Options = {}): TUnsafe<string | number> => Type.Unsafe<string | number>({ type: ['string', 'integer'], ...o });
