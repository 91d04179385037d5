import type { Static } from '@sinclair/typebox';
import { Type } from '../../schema/type.js';
import { HttpUrl, Regex, Seconds, StringEnum } from '../../schema/formats.js';
import { defineModule, type Plan } from '../types.js';
import { parseUriOutput, URI_BODY_LIMIT, URI_SCRIPT, uriArgv, type UriRequest, type UriResponse, type UriTool } from './uri-script.js';

const Status = () => Type.Integer({ minimum: 100, maximum: 599 });

const schema = Type.Object({
  url: HttpUrl({ description: 'http:// or https:// URL, requested from the node (127.0.0.1 is the node itself).' }),
  method: Type.Optional(StringEnum(['GET', 'HEAD'], { default: 'GET', description: 'Only reading methods: the module probes, it never changes anything.' })),
  status_code: Type.Optional(Type.Union([Status(), Type.Array(Status(), { minItems: 1 })], {
    default: 200,
    description: 'Status code, or list of codes, that count as success.',
    errorMessage: 'status_code must be an HTTP status code (100 to 599) or a list of them, got {value}',
    errorHint: 'e.g. status_code: 200, or status_code: [200, 204]',
  })),
  validate_certs: Type.Optional(Type.Boolean({ default: true, description: 'false: accept any server certificate (self-signed bootstrap endpoints).' })),
  ca_path: Type.Optional(Type.String({ minLength: 1, description: 'CA bundle on the node to verify the server with, e.g. /etc/kubernetes/pki/ca.crt.' })),
  client_cert: Type.Optional(Type.String({ minLength: 1, description: 'Client certificate (PEM) on the node, for mutual TLS.' })),
  client_key: Type.Optional(Type.String({ minLength: 1, description: 'Key of client_cert on the node, when not inside the certificate file.' })),
  timeout: Type.Optional(Seconds({ minimum: 1, default: 30, description: 'Seconds the request may take.' })),
  follow_redirects: Type.Optional(Type.Boolean({ default: false, description: 'Follow 3xx redirects; by default a redirect is the response (and its status is judged).' })),
  return_content: Type.Optional(Type.Boolean({ default: false, description: 'Put the body in the result as content (and json, when it parses as JSON).' })),
  body_contains: Type.Optional(Type.String({ minLength: 1, description: 'Fail unless the body contains this text.' })),
  body_regex: Type.Optional(Regex({ minLength: 1, description: 'Fail unless the body matches this regular expression (JavaScript syntax, multiline).' })),
}, {
  additionalProperties: false,
  allOf: [{ if: { required: ['client_key'] }, then: { required: ['client_cert'] } }],
});

type UriParams = Static<typeof schema>;

/** What the script is asked to do, with defaults filled in. */
export function uriRequestOf(p: UriParams, tool: UriTool = 'auto'): UriRequest {
  return {
    url: p.url,
    method: p.method ?? 'GET',
    timeout: p.timeout ?? 30,
    validateCerts: p.validate_certs !== false,
    caPath: p.ca_path,
    clientCert: p.client_cert,
    clientKey: p.client_key,
    followRedirects: p.follow_redirects === true,
    tool,
  };
}

const TOOL_EXITS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  curl: { 6: 'cannot resolve the host', 7: 'cannot connect', 28: 'timed out', 35: 'TLS handshake failed', 52: 'empty reply', 56: 'connection reset', 60: 'certificate not trusted (ca_path, or validate_certs: false)' },
  wget: { 4: 'network failure', 5: 'TLS verification failed (ca_path, or validate_certs: false)' },
};

function snippet(body: string): string {
  const s = body.replace(/\s+/g, ' ').trim();
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Pure: the response -> ok (with why), or failed (with what came back). */
export function decideUri(p: UriParams, r: UriResponse): Plan {
  const method = p.method ?? 'GET';
  const what = `${method} ${p.url}`;
  const secs = `${(r.elapsedMs / 1000).toFixed(2)}s`;
  const result: Record<string, unknown> = { url: p.url, method, elapsed: Math.round(r.elapsedMs) / 1000, tool: r.tool };
  if (r.status === undefined) {
    const meaning = TOOL_EXITS[r.tool]?.[r.rc];
    const why = r.errors.length ? r.errors.slice(-2).join('; ') : `${r.tool} exit code ${r.rc}`;
    return { kind: 'fail', msg: `${what}: no response (${meaning ? `${meaning}: ` : ''}${why})`, result: { ...result, status: -1 } };
  }
  result.status = r.status;
  if (r.headers['content-type'] !== undefined) result.content_type = r.headers['content-type'];
  if (r.headers.location !== undefined) result.location = r.headers.location;
  if (r.truncated) result.truncated = true;
  if (p.return_content) {
    result.content = r.body;
    if (/json/i.test(r.headers['content-type'] ?? '') || /^\s*[{[]/.test(r.body)) {
      try { result.json = JSON.parse(r.body) as unknown; } catch { /* not JSON after all: content has it */ }
    }
  }
  const wanted = p.status_code === undefined ? [200] : Array.isArray(p.status_code) ? p.status_code : [p.status_code as number];
  if (!wanted.includes(r.status)) {
    const body = snippet(r.body);
    return {
      kind: 'fail',
      msg: `${what} returned ${r.status}, expected ${wanted.join(' or ')}${body ? ` (body: ${body})` : ''}`,
      result,
    };
  }
  const checks: string[] = [];
  if (p.body_contains !== undefined) {
    if (!r.body.includes(p.body_contains)) {
      return { kind: 'fail', msg: `${what} returned ${r.status} but the body does not contain ${JSON.stringify(p.body_contains)} (body: ${snippet(r.body)})`, result };
    }
    checks.push(`contains ${JSON.stringify(p.body_contains)}`);
  }
  if (p.body_regex !== undefined) {
    // The schema's regex format compiled it before anything ran.
    if (!new RegExp(p.body_regex, 'm').test(r.body)) {
      return { kind: 'fail', msg: `${what} returned ${r.status} but the body does not match /${p.body_regex}/ (body: ${snippet(r.body)})`, result };
    }
    checks.push(`matches /${p.body_regex}/`);
  }
  const body = checks.length ? `, body ${checks.join(' and ')}` : '';
  const cut = r.truncated && checks.length ? ` (only the first ${URI_BODY_LIMIT / 1024} KiB of the body were checked)` : '';
  return { kind: 'ok', reason: `${what} returned ${r.status} in ${secs}${body}${cut}`, result };
}

export const uri = defineModule({
  name: 'uri',
  waits: true,
  schema,
  doc: {
    summary: 'Probes an HTTP(S) URL from the node (e.g. /healthz) and fails unless the status and body are as expected; never a change.',
    check: 'full',
    diff: 'none',
    example: `- name: the API server is healthy
  uri:
    url: https://127.0.0.1:6443/healthz
    ca_path: /etc/kubernetes/pki/ca.crt
    body_contains: ok

- name: the ingress answers (any of these codes)
  uri:
    url: http://127.0.0.1/
    method: HEAD
    status_code: [200, 404]
  register: ingress
`,
    notes: [
      'One exec: the request is made on the node with curl, else wget, else python3 (urllib), whichever it has first.',
      'Only GET and HEAD: the module reads, so check mode runs it as well (add `when: not ansible_check_mode` to skip it there).',
      'The result has status, elapsed (seconds), url, content_type, and content (plus json) with return_content. Bodies are read up to 1 MiB.',
      'Combine with until/retries/delay to wait for an endpoint to become healthy.',
    ],
  },
  async plan(ctx, p) {
    const res = await ctx.probe(uriArgv(uriRequestOf(p)), { stdin: URI_SCRIPT });
    return decideUri(p, parseUriOutput(res));
  },
});
