/** JSON Schema (draft 2020-12 subset that ajv understands), as plain data. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * What the schema layer needs of a module: its name, its params schema and how its one-line
 * forms read. Modules satisfy it; schema/ never imports modules/.
 */
export interface ParamsSpec {
  readonly name: string;
  readonly schema: JsonSchema;
  /** Param that receives a bare string: `command: ls -l` -> { cmd: "ls -l" }. */
  readonly freeForm?: string | undefined;
  /** Parameters whose values are shown as *** in output. */
  readonly secretParams?: readonly string[] | undefined;
}
