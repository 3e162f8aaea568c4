/** Types for scripts/flow-library-types.js (used by test/editor). */

export type LiteralValue = string | number | boolean | null | LiteralValue[];

export interface NonLiteral {
  nonLiteral: string;
}

export interface ParsedDefinition {
  category?: string;
  color?: string;
  icon?: string;
  inputs?: number;
  outputs?: number;
  /** Each default's fields: literal values as they are, anything else as `{nonLiteral: <AST node type>}`. */
  defaults: Record<string, Record<string, LiteralValue | NonLiteral>>;
  /** The literal `value` of each default (absent when not a literal). */
  defaultValues: Record<string, LiteralValue>;
  credentials: string[];
  /** Other definition keys (functions and the like). */
  [key: string]: unknown;
}

export function nodeDefinitions(html: string): {
  types: Record<string, ParsedDefinition>;
  errors: string[];
};
