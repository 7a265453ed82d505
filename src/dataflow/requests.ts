// Every request of the dataflow action, built in one place from plain data, in the shape of the
// connection action's requests (../requests.ts: the same access, headers and encoding; no token).
//
// Where Adobe's sources disagree, what is sent here (both forms are read, see answers.ts):
// - explore objectType: lower-case `root` / `table`, as every Adobe example (the spec's enum is upper-case);
// - property filters: `name==CRMToAEP` without quotes, as aepp sends and as the connection lookup does
//   (the tutorial writes `name=="CRMToAEP"`);
// - schedule values: strings ("startTime": "1612310466", "interval": "15", "backfill": "true"), as the
//   database tutorial sends them and as GET /flows echoes them (the spec types startTime integer and
//   backfill boolean; the flow spec types interval integer);
// - mappingVersion: a string ("0"), as the spec, the flow spec and GET /flows have it (the tutorial
//   sends the number 0);
// - the mapping set body: the Data Prep reference shape (outputSchema.schemaRef, sourceType/source/
//   destination), which carries sourceType (the tutorial posts the legacy xdmSchema/sourceAttribute shape);
// - the target schema version: `application/vnd.adobe.xed-full+json;version=1`, the database tutorial's
//   "must be set" value (the spec example and aepp write `;version=1.0`);
// - enable/disable: POST /flows/{id}/action?op=enable|disable with no subOp and no body, as Adobe's
//   examples and aepp (the spec marks subOp required);
// - If-Match: a header, as the docs and the spec (Adobe's Postman collection puts it in the query).

import { MYSQL_SPEC_ID, type PlatformAccess, type Request, encodeQueryValue, filterable, flowBase, platformRequest } from '../platform/requests.js'
import type { FlowState } from './answers.js'
import type { MappingRow } from './mapping.js'
import type { Schedule } from './schedule.js'

export const DATA_LAKE_SPEC_ID = 'c604ff05-7f1a-43c0-8e18-33bf874cb11c'
export const CRM_FLOW_SPEC_NAME = 'CRMToAEP'
export const CRM_FLOW_SPEC_ID = '14518937-270c-4525-bdec-c2ba7cce3860'
const TARGET_SCHEMA_VERSION = 'application/vnd.adobe.xed-full+json;version=1'
const MAPPING_SCHEMA_CONTENT_TYPE = 'application/vnd.adobe.xed-full+json;version=1'

const id = encodeURIComponent

function catalogBase(access: PlatformAccess): string {
  return `${access.platformUrl}/data/foundation/catalog`
}

function conversionBase(access: PlatformAccess): string {
  return `${access.platformUrl}/data/foundation/conversion`
}

/** A `property` filter on one field; a value holding filter syntax would be misread, so the caller filters by another field then. */
function propertyFilter(field: string, value: string): string {
  return `property=${field}==${encodeQueryValue(value)}`
}

// ---- Reading ----

export function exploreTableRequest(access: PlatformAccess, baseConnectionId: string, table: string): Request {
  return platformRequest(access, {
    what: `Reading the columns of table ${table}`,
    method: 'GET',
    url: `${flowBase(access)}/connections/${id(baseConnectionId)}/explore?objectType=table&object=${encodeQueryValue(table)}`
  })
}

/** The whole dataset (without `properties`: that `properties=schemaRef` is accepted is not documented). */
export function datasetRequest(access: PlatformAccess, datasetId: string): Request {
  return platformRequest(access, { what: `Reading dataset ${datasetId}`, method: 'GET', url: `${catalogBase(access)}/dataSets/${id(datasetId)}` })
}

export function flowSpecRequest(access: PlatformAccess): Request {
  return platformRequest(access, {
    what: `Reading the ${CRM_FLOW_SPEC_NAME} flow spec`,
    method: 'GET',
    url: `${flowBase(access)}/flowSpecs?${propertyFilter('name', CRM_FLOW_SPEC_NAME)}`
  })
}

/** Flows named `name`: by name when the server may filter by it (filterable), else every CRMToAEP flow (the exact match is the reader's). */
export function findFlowsRequest(access: PlatformAccess, name: string): Request {
  const filter = filterable(name) ? propertyFilter('name', name) : propertyFilter('flowSpec.id', CRM_FLOW_SPEC_ID)
  return platformRequest(access, { what: `Looking up dataflows named "${name}"`, method: 'GET', url: `${flowBase(access)}/flows?${filter}` })
}

export function getFlowRequest(access: PlatformAccess, flowId: string): Request {
  return platformRequest(access, { what: `Reading dataflow ${flowId}`, method: 'GET', url: `${flowBase(access)}/flows/${id(flowId)}` })
}

export type ConnectionKind = 'source' | 'target'

const COLLECTION: Record<ConnectionKind, string> = { source: 'sourceConnections', target: 'targetConnections' }

export function getConnectionRequest(access: PlatformAccess, kind: ConnectionKind, connectionId: string): Request {
  return platformRequest(access, { what: `Reading ${kind} connection ${connectionId}`, method: 'GET', url: `${flowBase(access)}/${COLLECTION[kind]}/${id(connectionId)}` })
}

/** Source or target connections named `name`: what a create of unknown outcome is looked for by (with its run token). */
export function findConnectionsRequest(access: PlatformAccess, kind: ConnectionKind, name: string): Request {
  const filter = filterable(name) ? `?${propertyFilter('name', name)}` : ''
  return platformRequest(access, { what: `Looking up ${kind} connections named "${name}"`, method: 'GET', url: `${flowBase(access)}/${COLLECTION[kind]}${filter}` })
}

/** A mapping set; without `version`, its latest. */
export function getMappingSetRequest(access: PlatformAccess, mappingId: string, version?: string): Request {
  const query = version === undefined ? '' : `?version=${encodeQueryValue(version)}`
  return platformRequest(access, { what: `Reading mapping set ${mappingId}`, method: 'GET', url: `${conversionBase(access)}/mappingSets/${id(mappingId)}${query}` })
}

export function runsRequest(access: PlatformAccess, flowId: string): Request {
  return platformRequest(access, { what: `Reading the runs of dataflow ${flowId}`, method: 'GET', url: `${flowBase(access)}/runs?${propertyFilter('flowId', flowId)}` })
}

// ---- Creating (not idempotent: a lost answer is looked for before the create is sent again) ----

export interface SourceConnectionDraft {
  name: string
  description: string
  baseConnectionId: string
  table: string
  /** The column objects as explore listed them, passed on unchanged as the tutorial does. */
  columns: readonly Record<string, unknown>[]
}

export function createSourceConnectionRequest(access: PlatformAccess, draft: SourceConnectionDraft): Request {
  return platformRequest(access, {
    what: 'Creating the source connection',
    method: 'POST',
    url: `${flowBase(access)}/sourceConnections`,
    body: {
      name: draft.name,
      description: draft.description,
      baseConnectionId: draft.baseConnectionId,
      data: { format: 'tabular' },
      params: { tableName: draft.table, columns: draft.columns },
      connectionSpec: { id: MYSQL_SPEC_ID, version: '1.0' }
    },
    idempotent: false
  })
}

export interface TargetConnectionDraft {
  name: string
  description: string
  datasetId: string
  /** The dataset's schemaRef.id (the schema `$id`, not its meta:altId). */
  schemaId: string
}

/** The data lake target. `data.format` is left out, as in the database tutorial. */
export function createTargetConnectionRequest(access: PlatformAccess, draft: TargetConnectionDraft): Request {
  return platformRequest(access, {
    what: 'Creating the target connection',
    method: 'POST',
    url: `${flowBase(access)}/targetConnections`,
    body: {
      name: draft.name,
      description: draft.description,
      data: { schema: { id: draft.schemaId, version: TARGET_SCHEMA_VERSION } },
      params: { dataSetId: draft.datasetId },
      connectionSpec: { id: DATA_LAKE_SPEC_ID, version: '1.0' }
    },
    idempotent: false
  })
}

function mappingSetBody(schemaId: string, rows: readonly MappingRow[]): unknown {
  return {
    outputSchema: { schemaRef: { id: schemaId, contentType: MAPPING_SCHEMA_CONTENT_TYPE } },
    mappings: rows.map((row) => ({ sourceType: row.sourceType, source: row.source, destination: row.destination }))
  }
}

export function createMappingSetRequest(access: PlatformAccess, schemaId: string, rows: readonly MappingRow[]): Request {
  return platformRequest(access, {
    what: 'Creating the mapping set',
    method: 'POST',
    url: `${conversionBase(access)}/mappingSets`,
    body: mappingSetBody(schemaId, rows),
    idempotent: false
  })
}

/** A new version of the mapping set (PUT replaces it whole); repeating it would add another version. */
export function updateMappingSetRequest(access: PlatformAccess, mappingId: string, schemaId: string, rows: readonly MappingRow[]): Request {
  return platformRequest(access, {
    what: `Updating mapping set ${mappingId}`,
    method: 'PUT',
    url: `${conversionBase(access)}/mappingSets/${id(mappingId)}`,
    body: mappingSetBody(schemaId, rows),
    idempotent: false
  })
}

/** The schedule as sent: strings (see the top of this file); interval and backfill only when not `once`. */
export function scheduleParams(schedule: Schedule, startTime: number): Record<string, string> {
  return {
    startTime: String(startTime),
    frequency: schedule.frequency,
    ...(schedule.interval === undefined ? {} : { interval: String(schedule.interval) }),
    ...(schedule.backfill === undefined ? {} : { backfill: String(schedule.backfill) })
  }
}

/** Copy (with the delta column; none for `once`, 1369-400) then Mapping. */
export function transformations(deltaColumn: string | undefined, mapping: { id: string; version: string }): Array<{ name: string; params: Record<string, unknown> }> {
  return [
    ...(deltaColumn === undefined ? [] : [{ name: 'Copy', params: { deltaColumn: { name: deltaColumn } } }]),
    { name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: mapping.version } }
  ]
}

export interface FlowDraft {
  name: string
  description: string
  sourceConnectionId: string
  targetConnectionId: string
  mapping: { id: string; version: string }
  schedule: Schedule
}

/** No `state` (1410-400): a new flow is enabled; disabling is a separate action. */
export function createFlowRequest(access: PlatformAccess, draft: FlowDraft): Request {
  return platformRequest(access, {
    what: 'Creating the dataflow',
    method: 'POST',
    url: `${flowBase(access)}/flows`,
    body: {
      name: draft.name,
      description: draft.description,
      flowSpec: { id: CRM_FLOW_SPEC_ID, version: '1.0' },
      sourceConnectionIds: [draft.sourceConnectionId],
      targetConnectionIds: [draft.targetConnectionId],
      transformations: transformations(draft.schedule.deltaColumn, draft.mapping),
      scheduleParams: scheduleParams(draft.schedule, draft.schedule.startTime)
    },
    idempotent: false
  })
}

// ---- Changing ----

export type PatchOp = { op: 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string }

/** What an update changes; each field only when it differs (changes.ts decides). */
export interface FlowUpdate {
  name?: string
  description?: string
  /** The schedule params that differ, by their API names, as sent; null: the flow should not have it (once). */
  schedule?: Record<string, string | null>
  /** undefined in the value: the flow should have no Copy step (frequency once). */
  deltaColumn?: { value: string | undefined }
  mapping?: { id: string; version: string }
}

/**
 * The JSON Patch of an update. Schedule params are patched one by one, as the update tutorial does
 * (`/scheduleParams/frequency`), so an unchanged start time is never sent: replacing it after it has
 * passed may be refused (1366-400). The Mapping step is replaced at the index the flow has it (the
 * tutorial's `/transformations/0` is the Copy step of a database flow); when the Copy step comes or
 * goes (to or from `once`), the transformations are replaced whole.
 */
export function flowPatchOps(current: FlowState, update: FlowUpdate): PatchOp[] {
  const ops: PatchOp[] = []
  if (update.name !== undefined) ops.push({ op: 'replace', path: '/name', value: update.name })
  // add, not replace (RFC 6902): it also sets a description the flow never had.
  if (update.description !== undefined) ops.push({ op: 'add', path: '/description', value: update.description })
  for (const [field, value] of Object.entries(update.schedule ?? {})) {
    const path = `/scheduleParams/${field}`
    if (value === null) ops.push({ op: 'remove', path })
    else ops.push({ op: field in current.scheduleParams ? 'replace' : 'add', path, value })
  }
  const copyComesOrGoes = update.deltaColumn !== undefined && (update.deltaColumn.value === undefined) !== (current.copyIndex === undefined)
  if (copyComesOrGoes || current.mappingIndex === undefined) {
    const mapping = update.mapping ?? current.mapping
    const delta = update.deltaColumn ? update.deltaColumn.value : current.deltaColumn
    if (mapping) ops.push({ op: 'replace', path: '/transformations', value: transformations(delta, mapping) })
    return ops
  }
  if (update.deltaColumn?.value !== undefined && current.copyIndex !== undefined) {
    ops.push({ op: 'replace', path: `/transformations/${current.copyIndex}`, value: { name: 'Copy', params: { deltaColumn: { name: update.deltaColumn.value } } } })
  }
  if (update.mapping !== undefined) {
    ops.push({
      op: 'replace',
      path: `/transformations/${current.mappingIndex}`,
      value: { name: 'Mapping', params: { mappingId: update.mapping.id, mappingVersion: update.mapping.version } }
    })
  }
  return ops
}

export function patchFlowRequest(access: PlatformAccess, current: FlowState, ops: PatchOp[]): Request {
  return platformRequest(access, {
    what: `Updating dataflow ${current.id}`,
    method: 'PATCH',
    url: `${flowBase(access)}/flows/${id(current.id)}`,
    headers: { 'If-Match': current.etag },
    body: ops
  })
}

/**
 * Enables or disables the flow. Repeating it after a lost answer is safe: the repeat is refused
 * with 1422-400 (already in that state), which the reader of a repeated answer takes as done.
 */
export function flowStateRequest(access: PlatformAccess, flowId: string, op: 'enable' | 'disable'): Request {
  return platformRequest(access, {
    what: `${op === 'enable' ? 'Enabling' : 'Disabling'} dataflow ${flowId}`,
    method: 'POST',
    url: `${flowBase(access)}/flows/${id(flowId)}/action?op=${op}`
  })
}

// ---- Deleting ----

export function deleteFlowRequest(access: PlatformAccess, flowId: string): Request {
  return platformRequest(access, { what: `Deleting dataflow ${flowId}`, method: 'DELETE', url: `${flowBase(access)}/flows/${id(flowId)}` })
}

export function deleteConnectionRequest(access: PlatformAccess, kind: ConnectionKind, connectionId: string): Request {
  return platformRequest(access, { what: `Deleting ${kind} connection ${connectionId}`, method: 'DELETE', url: `${flowBase(access)}/${COLLECTION[kind]}/${id(connectionId)}` })
}
