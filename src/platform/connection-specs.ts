// The auth specs an organisation's MySQL connection spec offers, as GET /connectionSpecs/{id}
// answers them: their names and the JSON schemas of their params.

import { isObject } from './answers.js'

/** The part of JSON Schema that auth specs use for their params. */
export interface Schema {
  type?: unknown
  properties?: Record<string, Schema>
  required?: unknown
  enum?: unknown
  pattern?: unknown
  default?: unknown
}

/** One auth spec the organisation's MySQL connection spec offers. */
export interface AuthSpec {
  name: string
  schema: Schema
}

/** The auth specs in GET /connectionSpecs/{id}'s answer: {"items": [{"authSpec": [{"name", "spec"}]}]}. */
export function readAuthSpecs(body: unknown): AuthSpec[] | undefined {
  const item = isObject(body) && Array.isArray(body.items) ? body.items[0] : undefined
  if (!isObject(item) || !Array.isArray(item.authSpec)) return undefined
  return item.authSpec.flatMap((spec) => (isObject(spec) && typeof spec.name === 'string' ? [{ name: spec.name, schema: isObject(spec.spec) ? (spec.spec as Schema) : {} }] : []))
}
