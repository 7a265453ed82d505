// Reading the answers of the dataflow calls. Every byte is the server's: nothing is trusted to
// have a shape, ids are kept only as plain strings (a JSON number is read as its digits), and both documented forms are read wherever
// Adobe's sources disagree (the forms sent are listed in requests.ts).

import { isPlainId } from '../platform/ids.js'
import { isObject, listItems } from '../platform/answers.js'
import { idOf } from '../platform/flow-service.js'

import type { MappingRow } from './mapping.js'

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** A plain id, or undefined: an id goes into URLs, outputs and log lines as it is. */
function plainId(value: unknown): string | undefined {
  const id = idOf(value)
  return id !== undefined && isPlainId(id) ? id : undefined
}

/** Ids of a list, the plain ones only. */
function plainIds(value: unknown): string[] {
  return Array.isArray(value) ? value.flatMap((v) => plainId(v) ?? []) : []
}

/**
 * Whether a write's answer holds an id that is not plain: refused, and told apart from a missing id,
 * which would have the create looked for and sent again although it was made.
 */
export function holdsUnplainId(body: unknown): boolean {
  const item = singleItem(body)
  const id = item ? idOf(item.id) : undefined
  return id !== undefined && id !== '' && !isPlainId(id)
}

/** A scalar as the string GET /flows echoes it: "15" and 15, "true" and true are the same value. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim()
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  if (typeof value === 'boolean') return String(value)
  return undefined
}

/** The one item of a `GET /{resource}/{id}` answer (`{"items": [item]}`), or a bare item. */
export function singleItem(body: unknown): Record<string, unknown> | undefined {
  if (isObject(body) && Array.isArray(body.items)) return isObject(body.items[0]) ? body.items[0] : undefined
  return isObject(body) && 'id' in body ? body : undefined
}

export interface Column {
  name: string
  /** The column object as explore listed it: the source connection passes it on unchanged. */
  raw: Record<string, unknown>
}

/** The columns of explore?objectType=table (`schema.columns`); undefined when the answer has none. */
export function readColumns(body: unknown): Column[] | undefined {
  const columns = isObject(body) && isObject(body.schema) && Array.isArray(body.schema.columns) ? body.schema.columns : undefined
  if (!columns) return undefined
  return columns.flatMap((column) => (isObject(column) && typeof column.name === 'string' && column.name !== '' ? [{ name: column.name, raw: column }] : []))
}

/**
 * Paths compared for "did you mean": a source may list tens of thousands of tables, and a hint is
 * not worth seconds of blocking work, so only the first ones listed are offered.
 */
export const MAX_TABLES_COMPARED = 2_000

/** The table paths closest to `table` by edit distance, for "did you mean" (at most `count`, of the first MAX_TABLES_COMPARED). */
export function closestTables(table: string, tables: readonly string[], count = 3): string[] {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j)
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0] ?? 0
      row[0] = i
      for (let j = 1; j <= b.length; j++) {
        const above = row[j] ?? 0
        row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1))
        diagonal = above
      }
    }
    return row[b.length] ?? 0
  }
  // Long names are cut: the distance is quadratic, and names come from the server.
  const cut = (s: string): string => s.slice(0, 200)
  return tables
    .slice(0, MAX_TABLES_COMPARED)
    .map((candidate) => ({ candidate, d: distance(cut(table), cut(candidate)) }))
    .sort((x, y) => x.d - y.d || x.candidate.localeCompare(y.candidate))
    .slice(0, count)
    .map((entry) => entry.candidate)
}

/** A base connection's connection spec id (GET /connections/{id}: `{"items": [item]}`); undefined when it shows none. */
export function readConnectionSpecId(body: unknown): string | undefined {
  const item = singleItem(body)
  return item && isObject(item.connectionSpec) ? plainId(item.connectionSpec.id) : undefined
}

// ---- Catalog ----

export interface Dataset {
  id: string
  name: string
  /** schemaRef.id; undefined when the dataset has no schema. */
  schemaId?: string
}

/** GET /dataSets/{id} answers an object keyed by the id; an answer keyed otherwise is not this dataset. */
export function readDataset(body: unknown, datasetId: string): Dataset | undefined {
  const entry = isObject(body) && Object.hasOwn(body, datasetId) ? body[datasetId] : undefined
  if (!isObject(entry)) return undefined
  const schemaId = isObject(entry.schemaRef) ? str(entry.schemaRef.id) : undefined
  return { id: datasetId, name: str(entry.name) ?? '', ...(schemaId && schemaId.trim() !== '' ? { schemaId } : {}) }
}

// ---- Flow spec ----

export interface FlowSpec {
  id: string
  sourceConnectionSpecIds: string[]
  targetConnectionSpecIds: string[]
  transformationNames: string[]
}

/**
 * The named flow spec from GET /flowSpecs: `{"items": [...]}` (CRM tutorial) or the bare spec
 * (database tutorial); its transformations under `transformationSpecs` or `transformationSpec`.
 */
export function readFlowSpec(body: unknown, name: string): FlowSpec | undefined {
  const candidates = isObject(body) && Array.isArray(body.items) ? body.items : [body]
  const spec = candidates.find((item) => isObject(item) && item.name === name)
  if (!isObject(spec)) return undefined
  const id = plainId(spec.id)
  if (!id) return undefined
  const ids = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])
  const transformationList = Array.isArray(spec.transformationSpecs) ? spec.transformationSpecs : Array.isArray(spec.transformationSpec) ? spec.transformationSpec : []
  return {
    id,
    sourceConnectionSpecIds: ids(spec.sourceConnectionSpecIds),
    targetConnectionSpecIds: ids(spec.targetConnectionSpecIds),
    transformationNames: transformationList.flatMap((t) => (isObject(t) && typeof t.name === 'string' ? [t.name] : []))
  }
}

// ---- Writes ----

export interface Written {
  id: string
  etag: string
}

/** A create's or an action's answer: `{id, etag}`, or the on-demand form `{"items": [{id, etag}]}`. */
export function readWritten(body: unknown): Written | undefined {
  const item = singleItem(body)
  const id = item ? plainId(item.id) : undefined
  return id && item ? { id, etag: str(item.etag) ?? '' } : undefined
}

export interface MappingWritten {
  id: string
  /** As a string, the form the flow's Mapping step takes. */
  version: string
}

/**
 * A mapping set version as text: a number (Data Prep's answers) or a string ("0", "1.0"). No form is
 * documented beyond those, so any plain text is taken; it goes into a URL and the flow as it is.
 */
function versionOf(value: unknown): string | undefined {
  const text = typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? String(value).trim() : undefined
  return text !== undefined && isPlainId(text) ? text : undefined
}

/**
 * POST/PUT /mappingSets: `{id, version}`. The set is made once its id is known: an answer without a
 * readable version leaves it out (the set is read for it), and is not a create to send again.
 */
export function readMappingWritten(body: unknown): (Omit<MappingWritten, 'version'> & { version?: string }) | undefined {
  if (!isObject(body)) return undefined
  const id = plainId(body.id)
  if (!id) return undefined
  const version = versionOf(body.version)
  return version === undefined ? { id } : { id, version }
}

// ---- Connections and flows ----

export interface SourceConnectionState {
  id: string
  etag: string
  name: string
  description: string
  baseConnectionId?: string
  table?: string
}

export function readSourceConnection(item: unknown): SourceConnectionState | undefined {
  if (!isObject(item)) return undefined
  const id = plainId(item.id)
  if (!id) return undefined
  const table = isObject(item.params) ? str(item.params.tableName) : undefined
  const baseConnectionId = plainId(item.baseConnectionId)
  return {
    id,
    etag: str(item.etag) ?? '',
    name: str(item.name) ?? '',
    description: str(item.description) ?? '',
    ...(baseConnectionId ? { baseConnectionId } : {}),
    ...(table !== undefined ? { table } : {})
  }
}

export interface TargetConnectionState {
  id: string
  etag: string
  name: string
  description: string
  datasetId?: string
  schemaId?: string
}

export function readTargetConnection(item: unknown): TargetConnectionState | undefined {
  if (!isObject(item)) return undefined
  const id = plainId(item.id)
  if (!id) return undefined
  const datasetId = isObject(item.params) ? str(item.params.dataSetId) : undefined
  const schemaId = isObject(item.data) && isObject(item.data.schema) ? str(item.data.schema.id) : undefined
  return {
    id,
    etag: str(item.etag) ?? '',
    name: str(item.name) ?? '',
    description: str(item.description) ?? '',
    ...(datasetId !== undefined ? { datasetId } : {}),
    ...(schemaId !== undefined ? { schemaId } : {})
  }
}

export interface FlowState {
  id: string
  etag: string
  name: string
  description: string
  /** enabled, disabled, …; '' when the answer left it out. */
  state: string
  sourceConnectionIds: string[]
  targetConnectionIds: string[]
  /** From inheritedAttributes, when the answer has it. */
  baseConnectionId?: string
  flowSpecId?: string
  /** The schedule values as strings ("15", "true"), whichever type the answer had. */
  scheduleParams: Record<string, string>
  copyIndex?: number
  deltaColumn?: string
  mappingIndex?: number
  mapping?: { id: string; version: string }
}

/** A flow item of GET /flows or GET /flows/{id}; undefined without a plain id. */
export function readFlow(item: unknown): FlowState | undefined {
  if (!isObject(item)) return undefined
  const id = plainId(item.id)
  if (!id) return undefined
  const scheduleParams: Record<string, string> = {}
  if (isObject(item.scheduleParams)) {
    for (const [key, value] of Object.entries(item.scheduleParams)) {
      const text = scalarText(value)
      if (text !== undefined) scheduleParams[key] = text
    }
  }
  const flow: FlowState = {
    id,
    etag: str(item.etag) ?? '',
    name: str(item.name) ?? '',
    description: str(item.description) ?? '',
    state: str(item.state) ?? '',
    sourceConnectionIds: plainIds(item.sourceConnectionIds),
    targetConnectionIds: plainIds(item.targetConnectionIds),
    scheduleParams
  }
  const inherited = isObject(item.inheritedAttributes) && Array.isArray(item.inheritedAttributes.sourceConnections) ? item.inheritedAttributes.sourceConnections[0] : undefined
  const baseConnectionId = isObject(inherited) && isObject(inherited.baseConnection) ? plainId(inherited.baseConnection.id) : undefined
  if (baseConnectionId) flow.baseConnectionId = baseConnectionId
  const flowSpecId = isObject(item.flowSpec) ? plainId(item.flowSpec.id) : undefined
  if (flowSpecId) flow.flowSpecId = flowSpecId
  const steps = Array.isArray(item.transformations) ? item.transformations : []
  steps.forEach((step, index) => {
    if (!isObject(step) || !isObject(step.params)) return
    if (step.name === 'Copy' && flow.copyIndex === undefined) {
      flow.copyIndex = index
      const delta = isObject(step.params.deltaColumn) ? str(step.params.deltaColumn.name) : undefined
      if (delta !== undefined) flow.deltaColumn = delta
    }
    if (step.name === 'Mapping' && flow.mappingIndex === undefined) {
      flow.mappingIndex = index
      const mappingId = plainId(step.params.mappingId)
      // The tutorial's number 0 and the spec's string "0".
      const version = scalarText(step.params.mappingVersion)
      if (mappingId && version !== undefined) flow.mapping = { id: mappingId, version }
    }
  })
  return flow
}

// ---- Mapping sets ----

export interface MappingSetState {
  id: string
  version: string
  schemaId?: string
  rows: MappingRow[]
}

/**
 * GET /mappingSets/{id}: rows in the reference vocabulary (`source`, `destination`) or the legacy one
 * (`sourceAttribute`, `destinationXdmPath`). Data Prep stores the sourceType as a media type:
 * `text/x.aep-xl` is an EXPRESSION, `text/x.schema-path` an ATTRIBUTE; the names sent are read too.
 */
export function readMappingSet(body: unknown): MappingSetState | undefined {
  if (!isObject(body)) return undefined
  const id = plainId(body.id)
  const version = versionOf(body.version)
  if (!id || version === undefined) return undefined
  const schemaId = (isObject(body.outputSchema) && isObject(body.outputSchema.schemaRef) ? str(body.outputSchema.schemaRef.id) : undefined) ?? str(body.xdmSchema)
  const rows = (Array.isArray(body.mappings) ? body.mappings : []).flatMap((row): MappingRow[] => {
    if (!isObject(row)) return []
    const source = str(row.source) ?? str(row.sourceAttribute)
    const destination = str(row.destination) ?? str(row.destinationXdmPath)
    if (source === undefined || destination === undefined) return []
    const type = str(row.sourceType)?.toUpperCase()
    const sourceType = type === 'TEXT/X.AEP-XL' || type?.includes('EXPRESSION') ? 'EXPRESSION' : 'ATTRIBUTE'
    return [{ source, destination, sourceType }]
  })
  return { id, version, ...(schemaId !== undefined ? { schemaId } : {}), rows }
}

// ---- Runs ----

type RunPhase = 'running' | 'succeeded' | 'failed'

export interface Run {
  id: string
  flowId: string
  /** metrics.statusSummary.status as given ('' when absent). */
  status: string
  phase: RunPhase
  startedAt?: number
  recordsRead?: number
  recordsWritten?: number
  recordsFailed?: number
  errors: Array<{ code: string; message: string }>
}

/**
 * No complete list of run statuses is published: `success` and `failed` are documented, `Failed`
 * appears in a filter example, partial success and failure in the state enum. Anything else is
 * taken as still running, which the caller's deadline bounds.
 */
export function runPhase(status: string): RunPhase {
  const s = status.toLowerCase().replace(/[\s_-]/g, '')
  if (['success', 'succeeded', 'completed', 'partialsuccess'].includes(s)) return 'succeeded'
  if (['failed', 'failure', 'partialfailure', 'cancelled', 'canceled', 'error'].includes(s)) return 'failed'
  return 'running'
}

const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined)

export function readRun(item: unknown): Run | undefined {
  if (!isObject(item)) return undefined
  const id = plainId(item.id)
  if (!id) return undefined
  const metrics = isObject(item.metrics) ? item.metrics : {}
  const statusSummary = isObject(metrics.statusSummary) ? metrics.statusSummary : {}
  const records = isObject(metrics.recordSummary) ? metrics.recordSummary : {}
  const started = isObject(metrics.durationSummary) ? count(metrics.durationSummary.startedAtUTC) : undefined
  const status = str(statusSummary.status) ?? ''
  const errors = (Array.isArray(statusSummary.errors) ? statusSummary.errors : []).flatMap((e) =>
    isObject(e) ? [{ code: scalarText(e.code) ?? '', message: str(e.message)?.replace(/\s+/g, ' ').trim() ?? '' }] : []
  )
  const run: Run = { id, flowId: str(item.flowId) ?? '', status, phase: runPhase(status), errors }
  if (started !== undefined) run.startedAt = started
  const read = count(records.inputRecordCount)
  const written = count(records.outputRecordCount)
  const failed = count(records.failedRecordCount)
  if (read !== undefined) run.recordsRead = read
  if (written !== undefined) run.recordsWritten = written
  if (failed !== undefined) run.recordsFailed = failed
  return run
}

/**
 * The flow's first run in an answer of GET /runs?property=flowId==…: the earliest started (one
 * without a start time comes last). Runs of other flows are not taken, whatever the filter did.
 */
export function firstRun(body: unknown, flowId: string): Run | undefined {
  const runs = listItems(body).flatMap((item) => {
    const run = readRun(item)
    return run && run.flowId === flowId ? [run] : []
  })
  return runs.sort((a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity))[0]
}
