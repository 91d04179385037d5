import type { JavaScriptTypeBuilder, TSchema } from '@sinclair/typebox';

/**
 * The part of TypeBox's `Type` builder that k8sbm's param schemas use, built without loading
 * TypeBox at run time: TypeBox's ESM build is some 200 files, and loading them was the largest
 * single cost of a run's start-up. The JSON schemas are the same as TypeBox's, key for key and in
 * the same order (a test compares them for every module); so are its Kind and Optional symbols,
 * and its types, so `Static<typeof X>` works as before (TypeBox is needed at build time only).
 */
export type TypeBuilder = Pick<JavaScriptTypeBuilder,
  'Array' | 'Boolean' | 'Integer' | 'Literal' | 'Null' | 'Number' | 'Object' | 'Optional' | 'Record' | 'String' | 'Union' | 'Unknown' | 'Unsafe'>;

const Kind = Symbol.for('TypeBox.Kind');
const OptionalKind = Symbol.for('TypeBox.Optional');

type Schema = Record<string | symbol, unknown>;
type Options = Record<string, unknown> | undefined;

function kind(name: string, schema: Schema): Schema {
  Object.defineProperty(schema, Kind, { value: name, enumerable: true, configurable: true, writable: true });
  return schema;
}

const plain = (name: string, type: string) => (o?: Options): Schema => kind(name, { ...o, type });

/** TypeBox's key pattern for a Record keyed by any string. */
const ANY_KEY = '^(.*)$';
const INTEGER_KEY = '^(0|[1-9][0-9]*)$';

function recordKey(key: Schema): string {
  if (key[Kind] === 'Integer' || key[Kind] === 'Number') return INTEGER_KEY;
  if (key[Kind] === 'String') return typeof key['pattern'] === 'string' ? key['pattern'] : ANY_KEY;
  throw new Error(`Type.Record: keys of kind ${String(key[Kind])} are not supported here`);
}

const builder = {
  String: plain('String', 'string'),
  Boolean: plain('Boolean', 'boolean'),
  Integer: plain('Integer', 'integer'),
  Number: plain('Number', 'number'),
  Null: plain('Null', 'null'),
  Unknown: (o?: Options): Schema => kind('Unknown', { ...o }),
  Unsafe: (o?: Options): Schema => kind('Unsafe', { ...o }),
  Literal: (value: string | number | boolean, o?: Options): Schema => kind('Literal', { ...o, const: value, type: typeof value }),
  Optional: (s: Schema): Schema => {
    const out: Schema = kind(String(s[Kind]), { ...s });
    Object.defineProperty(out, OptionalKind, { value: 'Optional', enumerable: true, configurable: true, writable: true });
    return out;
  },
  Array: (items: Schema, o?: Options): Schema => kind('Array', { ...o, type: 'array', items }),
  Union: (types: Schema[], o?: Options): Schema => {
    if (types.length === 0) return kind('Never', { ...o, not: {} });
    if (types.length === 1) return kind(String(types[0]![Kind]), { ...o, ...types[0] });
    return kind('Union', { ...o, anyOf: types });
  },
  Object: (properties: Record<string, Schema>, o?: Options): Schema => {
    const required = Object.keys(properties).filter((k) => properties[k]![OptionalKind] !== 'Optional');
    return kind('Object', required.length > 0 ? { ...o, type: 'object', required, properties } : { ...o, type: 'object', properties });
  },
  Record: (key: Schema, value: Schema, o?: Options): Schema =>
    kind('Record', { ...o, type: 'object', patternProperties: { [recordKey(key)]: value } }),
};

export const Type = builder as unknown as TypeBuilder;
export type { TSchema };
