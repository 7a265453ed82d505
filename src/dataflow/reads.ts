// What the dataflow action reads before it writes anything: the checks (base connection, table
// and columns, dataset, flow spec) and the flow of this name, in parallel; then, when the flow
// exists, its source and target connections and its mapping set.

import type { Clock } from '../runner/clock.js'
import { ActionError } from '../runner/errors.js'
import type { Dataset, FlowState } from './answers.js'
import { readinessProblems } from './checks.js'
import type { Desired, Existing } from './changes.js'
import type { DataflowClient } from './client.js'
import type { ApplySettings, DataflowSettings } from './settings.js'
import { pastStartOfCreate } from './start-rules.js'

/** Every problem the reads found, at once: main gives each its own error line. */
export class NotReady extends ActionError {
  constructor(readonly problems: string[]) {
    super(problems.join(' '))
  }
}

/** The one flow of this name, or none; two of one name cannot be told apart, so that fails. */
export async function findFlow(settings: DataflowSettings, client: DataflowClient): Promise<FlowState | undefined> {
  const flows = await client.findFlows(settings.name)
  if (flows.length > 1) {
    throw new ActionError(
      `${flows.length} dataflows are named "${settings.name}" (${flows.map((flow) => flow.id).join(', ')}), so this step cannot tell which is meant: delete the extra ones in Platform, or choose another name.`
    )
  }
  return flows[0]
}

/** The flow and what it points at, read in parallel; its mapping set only when `withMapping`. */
export async function readExisting(flow: FlowState, client: DataflowClient, withMapping = true): Promise<Existing> {
  const [sourceId] = flow.sourceConnectionIds
  const [targetId] = flow.targetConnectionIds
  const [source, target, mapping] = await Promise.all([
    sourceId === undefined ? undefined : client.sourceConnection(sourceId),
    targetId === undefined ? undefined : client.targetConnection(targetId),
    flow.mapping === undefined || !withMapping ? undefined : client.mappingSet(flow.mapping.id, flow.mapping.version)
  ])
  return { flow, ...(source ? { source } : {}), ...(target ? { target } : {}), ...(mapping ? { mapping } : {}) }
}

export interface Ready {
  desired: Desired
  /** The explore columns, passed on unchanged to the source connection. */
  columns: Record<string, unknown>[]
  dataset: Dataset
  flow: FlowState | undefined
  /** When the reads came back: the "now" the start time rules are judged by (start-rules.ts). */
  readAt: number
}

/**
 * The reads before any write, in parallel. Explore's list of tables is read only when the table
 * was not found, to name the closest. Throws NotReady with every problem at once, a new dataflow's
 * past start-time among them.
 */
export async function readReady(settings: ApplySettings, client: DataflowClient, clock: Pick<Clock, 'now'>): Promise<Ready> {
  const { baseConnectionId, table, datasetId } = settings
  const [baseConnectionSpecId, columns, dataset, flowSpec, flow] = await Promise.all([
    client.baseConnectionSpec(baseConnectionId),
    client.columns(baseConnectionId, table),
    client.dataset(datasetId),
    client.flowSpec(),
    findFlow(settings, client)
  ])
  const tableMissing = baseConnectionSpecId !== undefined && (columns === undefined || columns.length === 0)
  const tables = tableMissing ? await client.tables(baseConnectionId).catch(() => undefined) : undefined
  const problems = readinessProblems({
    sandboxName: settings.sandboxName,
    connectionId: baseConnectionId,
    baseConnectionSpecId,
    table,
    columns,
    tables,
    mappingPath: settings.mappingPath,
    rows: settings.rows,
    deltaColumn: settings.schedule.deltaColumn,
    datasetId,
    dataset,
    flowSpec
  })
  const readAt = clock.now()
  const pastStart = flow ? undefined : pastStartOfCreate(settings.schedule, readAt)
  if (pastStart) problems.push(pastStart)
  if (problems.length > 0 || !columns || !dataset?.schemaId) throw new NotReady(problems)
  const desired: Desired = {
    name: settings.name,
    description: settings.description,
    baseConnectionId,
    table,
    datasetId,
    schemaId: dataset.schemaId,
    rows: settings.rows,
    schedule: settings.schedule,
    enabled: settings.enabled
  }
  return { desired, columns: columns.map((column) => column.raw), dataset, flow, readAt }
}
