/** JSON Schema (draft 2020-12 subset that ajv understands), as plain data. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Why params that each fit the schema do not fit together. */
export interface ParamRuleFailure {
  readonly message: string;
  readonly hint: string;
  /** The param to point at; default: the first of the rule's params that is given. */
  readonly param?: string | undefined;
}

/**
 * A check JSON Schema cannot say (two values compared, a parse only the module knows), run with
 * the schema at load time and again after rendering. Rare: what a schema can say, it says.
 */
export interface ParamRule<P = Record<string, unknown>> {
  /** The params the rule reads: while one of them is templated, it waits for the rendered value. */
  readonly params: readonly string[];
  check(params: P): ParamRuleFailure | undefined;
}

/**
 * What the schema layer needs of a module: its name, its params schema and how its one-line
 * forms read. Modules satisfy it; schema/ never imports modules/.
 */
export interface ParamsSpec {
  readonly name: string;
  readonly schema: JsonSchema;
  /** Checks the schema cannot express; run only on params the schema accepted (typed per module). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly rules?: readonly ParamRule<any>[] | undefined;
  /** Param that receives a bare string: `command: ls -l` -> { cmd: "ls -l" }. */
  readonly freeForm?: string | undefined;
  /** Parameters whose values are shown as *** in output. */
  readonly secretParams?: readonly string[] | undefined;
}
