// What applying would change, field by field, between the dataflow the inputs describe and the
// one Platform has: the plan's list, and the one update that makes it so. Pure.

import type { Change } from '../report/plan-markdown.js'
import { withoutRunToken } from '../connection/draft.js'
import type { FlowState, MappingSetState, SourceConnectionState, TargetConnectionState } from './answers.js'
import type { MappingRow } from './mapping.js'
import { type FlowUpdate, scheduleParams } from './requests.js'
import type { Schedule } from './schedule.js'
import { INPUT } from './names.js'

/** The dataflow as the inputs describe it. */
export interface Desired {
  name: string
  description: string
  baseConnectionId: string
  table: string
  datasetId: string
  /** The dataset's schema: what the mapping set targets. */
  schemaId: string
  rows: readonly MappingRow[]
  schedule: Schedule
  enabled: boolean
}

/** The dataflow as Platform has it: the flow, and what it was read to point at. */
export interface Existing {
  flow: FlowState
  source?: SourceConnectionState
  target?: TargetConnectionState
  mapping?: MappingSetState
}

interface UpdatePlan {
  changes: Change[]
  /** Fields of the flow to patch; empty when none differ. */
  update: FlowUpdate
  /** The mapping rows or schema differ: a new mapping set version comes first, then the flow points at it. */
  mappingChanged: boolean
  /** The state action to send, when the enabled state differs. */
  stateAction?: 'enable' | 'disable'
}

const iso = (seconds: string | number): string => {
  const ms = Number(seconds) * 1000
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(seconds)
}

/** A row as shown in a change: its source, marked when it is an expression. */
const shownSource = (row: MappingRow): string => (row.sourceType === 'EXPRESSION' ? `${row.source} (expression)` : row.source)

/** One change per destination whose source differs, in the desired order, then the destinations that go. */
function mappingChanges(from: readonly MappingRow[], to: readonly MappingRow[]): Change[] {
  const before = new Map(from.map((row) => [row.destination, shownSource(row)]))
  const after = new Map(to.map((row) => [row.destination, shownSource(row)]))
  const changes: Change[] = []
  for (const [destination, source] of after) {
    if (before.get(destination) !== source) changes.push({ field: `mapping ${destination}`, from: before.get(destination) ?? null, to: source })
  }
  for (const [destination, source] of before) if (!after.has(destination)) changes.push({ field: `mapping ${destination}`, from: source, to: null })
  return changes
}

/** The schedule params a plan shows, by API name, with the name and form the plan gives them. */
const SCHEDULE_FIELDS: Array<[string, string, (value: string) => string]> = [
  ['frequency', INPUT.frequency, String],
  ['interval', INPUT.interval, String],
  ['backfill', INPUT.backfill, String],
  ['startTime', INPUT.startTime, iso]
]

/** The schedule params that differ between two sets, as changes and as the values to send (null: remove). */
function scheduleDifferences(from: Record<string, string>, to: Record<string, string>): { changes: Change[]; values: Record<string, string | null> } {
  const changes: Change[] = []
  const values: Record<string, string | null> = {}
  for (const [param, field, shown] of SCHEDULE_FIELDS) {
    const before = from[param]
    const after = to[param]
    if (before === after) continue
    changes.push({ field, from: before === undefined ? null : shown(before), to: after === undefined ? null : shown(after) })
    values[param] = after ?? null
  }
  return { changes, values }
}

/**
 * Why an existing flow of this name cannot be updated into the desired one: it reads another base
 * connection or table, or writes another dataset. Such a flow is never silently replaced.
 */
export function identityConflict(desired: Desired, existing: Existing): string | undefined {
  const base = existing.source?.baseConnectionId ?? existing.flow.baseConnectionId
  const differences = [
    base !== undefined && base !== desired.baseConnectionId ? `reads base connection ${base}, not ${desired.baseConnectionId}` : undefined,
    existing.source?.table !== undefined && existing.source.table !== desired.table ? `reads table ${existing.source.table}, not ${desired.table}` : undefined,
    existing.target?.datasetId !== undefined && existing.target.datasetId !== desired.datasetId
      ? `writes dataset ${existing.target.datasetId}, not ${desired.datasetId}`
      : undefined
  ].filter((d): d is string => d !== undefined)
  if (differences.length === 0) return undefined
  return `Dataflow "${desired.name}" (${existing.flow.id}) already exists and ${differences.join(' and ')}: delete it first (operation: delete) or choose another name.`
}

/** Every field a create would set, from null. */
export function createChanges(desired: Desired): Change[] {
  const { schedule } = desired
  const fields: Array<[string, string | null]> = [
    ['source-connection', `table ${desired.table} of connection ${desired.baseConnectionId}`],
    ['target-connection', `dataset ${desired.datasetId}`],
    [INPUT.name, desired.name],
    [INPUT.description, desired.description],
    ...scheduleDifferences({}, scheduleParams(schedule, schedule.startTime)).changes.map((change): [string, string | null] => [change.field, change.to]),
    [INPUT.deltaColumn, schedule.deltaColumn ?? null],
    [INPUT.enabled, String(desired.enabled)]
  ]
  return [...fields.filter(([, to]) => to !== null && to !== '').map(([field, to]) => ({ field, from: null, to })), ...mappingChanges([], desired.rows)]
}

/** What a delete removes: the flow, then its source and target connections (never the base connection or the dataset). */
export function deleteChanges(existing: Existing): Change[] {
  const { flow } = existing
  return [
    { field: 'dataflow', from: `${flow.name} (${flow.id})`, to: null },
    ...flow.sourceConnectionIds.map((id) => ({ field: 'source-connection', from: id, to: null })),
    ...flow.targetConnectionIds.map((id) => ({ field: 'target-connection', from: id, to: null }))
  ]
}

/**
 * What an update changes, and the patch that does it. The start time is compared, and sent, only
 * when start-time was given: the default "now" applies to a create, so an identical second run
 * changes nothing.
 */
export function planUpdate(existing: Existing, desired: Desired): UpdatePlan {
  const { flow } = existing
  const { schedule } = desired
  const changes: Change[] = []
  const update: FlowUpdate = {}

  // The run token a create added to the description is not the user's text: it is no difference.
  const description = withoutRunToken(flow.description)
  if (description !== desired.description) {
    changes.push({ field: 'description', from: description === '' ? null : description, to: desired.description })
    update.description = desired.description
  }

  const keptStart = flow.scheduleParams.startTime !== undefined && /^\d+$/.test(flow.scheduleParams.startTime) ? Number(flow.scheduleParams.startTime) : undefined
  const wanted = scheduleParams(schedule, schedule.startTimeGiven || keptStart === undefined ? schedule.startTime : keptStart)
  const schedulePatch = scheduleDifferences(flow.scheduleParams, wanted)
  if (schedulePatch.changes.length > 0) {
    changes.push(...schedulePatch.changes)
    update.schedule = schedulePatch.values
  }

  if (flow.deltaColumn !== schedule.deltaColumn) {
    changes.push({ field: INPUT.deltaColumn, from: flow.deltaColumn ?? null, to: schedule.deltaColumn ?? null })
    update.deltaColumn = { value: schedule.deltaColumn }
  }

  const rowChanges = mappingChanges(existing.mapping?.rows ?? [], desired.rows)
  const schemaMoved = existing.mapping !== undefined && existing.mapping.schemaId !== desired.schemaId
  if (schemaMoved) changes.push({ field: 'mapping schema', from: existing.mapping?.schemaId ?? null, to: desired.schemaId })
  changes.push(...rowChanges)
  const mappingChanged = rowChanges.length > 0 || schemaMoved || existing.mapping === undefined

  const enabled = flow.state === 'enabled'
  const plan: UpdatePlan = { changes, update, mappingChanged }
  if (enabled !== desired.enabled) {
    changes.push({ field: INPUT.enabled, from: flow.state === '' ? null : String(enabled), to: String(desired.enabled) })
    plan.stateAction = desired.enabled ? 'enable' : 'disable'
  }
  return plan
}
