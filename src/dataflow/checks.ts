// The checks before any write, once the reads are in: the base connection is MySQL, the table
// exists and has the mapped columns, the dataset has a schema, the flow spec takes MySQL into the
// data lake. Every problem at once, each one sentence naming the input and what to do. Pure.

import { MYSQL_SPEC_ID } from '../platform/requests.js'
import { type Column, type Dataset, type FlowSpec, closestTables } from './answers.js'
import { type MappingRow, unknownSources } from './mapping.js'
import { CRM_FLOW_SPEC_NAME, DATA_LAKE_SPEC_ID } from './requests.js'
import { INPUT } from './names.js'

/** What the reads found; undefined: not found. */
export interface Found {
  sandboxName: string
  connectionId: string
  /** The base connection's connection spec id; '' when it exists but shows none. */
  baseConnectionSpecId: string | undefined
  table: string
  columns: Column[] | undefined
  /** The tables explore lists, read only when the table's columns were not found. */
  tables: string[] | undefined
  mappingPath: string
  rows: readonly MappingRow[]
  deltaColumn: string | undefined
  datasetId: string
  dataset: Dataset | undefined
  flowSpec: FlowSpec | undefined
}

/** At most this many names in a sentence: a table may have hundreds of columns. */
const LISTED = 20

function list(names: readonly string[]): string {
  const shown = names.slice(0, LISTED).join(', ')
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown
}

function connectionProblems(found: Found): string[] {
  const { connectionId, baseConnectionSpecId: specId, sandboxName } = found
  if (specId === undefined) {
    return [`connection-id ${connectionId}: no such connection in sandbox ${sandboxName}; check connection-id (the connection action's connection-id output) and sandbox-name.`]
  }
  if (specId !== MYSQL_SPEC_ID) {
    const spec = specId === '' ? 'it shows no connection spec' : `its connection spec is ${specId}`
    return [`connection-id ${connectionId} is not a MySQL connection (${spec}); give the id of a MySQL base connection.`]
  }
  return []
}

function tableProblems(found: Found): string[] {
  const { table, columns, tables, connectionId } = found
  if (columns === undefined || columns.length === 0) {
    const closest = closestTables(table, tables ?? [])
    const hint = closest.length > 0 ? `; the closest it lists: ${closest.join(', ')}` : tables?.length === 0 ? '; it lists no tables' : ''
    return [`${INPUT.table} ${table} is not a table connection ${connectionId} lists${hint}. Give the path exactly as explore lists it (the connection action's tables output).`]
  }
  const names = columns.map((column) => column.name)
  const problems: string[] = []
  const unknown = unknownSources(found.rows, names)
  if (unknown.length > 0) {
    const which = unknown.length === 1 ? 'a source that is not a column' : 'sources that are not columns'
    problems.push(`The mapping file ${found.mappingPath} has ${which} of table ${table} (${list(unknown)}); its columns are ${list(names)}.`)
  }
  if (found.deltaColumn !== undefined && !names.includes(found.deltaColumn)) {
    problems.push(`${INPUT.deltaColumn} ${found.deltaColumn} is not a column of table ${table}; its columns are ${list(names)}.`)
  }
  return problems
}

function datasetProblems(found: Found): string[] {
  const { dataset, datasetId, sandboxName } = found
  if (!dataset) return [`${INPUT.datasetId} ${datasetId}: no such dataset in sandbox ${sandboxName}; check ${INPUT.datasetId} and ${INPUT.sandboxName}.`]
  if (dataset.schemaId === undefined) {
    return [
      `${INPUT.datasetId} ${datasetId}${dataset.name ? ` (${dataset.name})` : ''} has no XDM schema; give a dataset made from a schema, which the mapping's destinations belong to.`
    ]
  }
  return []
}

function flowSpecProblems(found: Found): string[] {
  const spec = found.flowSpec
  const advice = 'check platform-url, and that the organisation has Experience Platform Sources'
  if (!spec) return [`Platform lists no ${CRM_FLOW_SPEC_NAME} flow spec, the one for database sources; ${advice}.`]
  const missing = [
    spec.sourceConnectionSpecIds.includes(MYSQL_SPEC_ID) ? undefined : `MySQL sources (${MYSQL_SPEC_ID})`,
    spec.targetConnectionSpecIds.includes(DATA_LAKE_SPEC_ID) ? undefined : `the data lake target (${DATA_LAKE_SPEC_ID})`
  ].filter((m): m is string => m !== undefined)
  return missing.length === 0 ? [] : [`The ${CRM_FLOW_SPEC_NAME} flow spec does not list ${missing.join(' or ')}; ${advice}.`]
}

/** Every problem the reads show, in input order; [] when the dataflow can be applied. */
export function readinessProblems(found: Found): string[] {
  // A table of a connection that is not there, or not MySQL, says nothing more.
  const connection = connectionProblems(found)
  return [...connection, ...(connection.length > 0 ? [] : tableProblems(found)), ...datasetProblems(found), ...flowSpecProblems(found)]
}
