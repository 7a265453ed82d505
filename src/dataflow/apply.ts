// Applying the dataflow: create it (each resource exactly once, and none left behind when a later
// create fails), update only what differs, reuse it, refuse it, or delete it.

import { runToken } from '../connection/draft.js'
import { createOnce } from '../platform/create-once.js'
import { lookAgain } from '../platform/look-again.js'
import type { Sender } from '../platform/sender.js'
import { ActionError, MayExistError, RefusedError, failureMessage } from '../runner/errors.js'
import type { Log } from '../runner/io.js'
import type { FlowState, MappingWritten, Written } from './answers.js'
import { type Desired, type Existing, identityConflict, planUpdate } from './changes.js'
import type { DataflowClient } from './client.js'
import type { MappingRow } from './mapping.js'
import { type Ready, findFlow, readExisting } from './reads.js'
import { type ConnectionKind, flowPatchOps } from './requests.js'
import type { ApplySettings, DeleteSettings } from './settings.js'
import { refusedScheduleUpdate } from './start-rules.js'
import { defaultStartTime } from './schedule.js'

export interface SignedIn {
  client: DataflowClient
  sender: Sender
  log: Log
}

/** What a create is about to send: its source and target connections, or then the flow. */
export type Stage = 'connections' | 'dataflow'

/** What main tells its post step as a create goes, so that a create cut short is rolled back. */
export interface CreateWatch {
  /** Before the creates of a stage are sent: the name they derive from and this run's token. */
  creating(stage: Stage, name: string, token: string): void
  /** Nothing this run sent is unaccounted for: the create succeeded, or its rollback is whole. */
  settled(): void
}

const UNWATCHED: CreateWatch = { creating: () => undefined, settled: () => undefined }

export interface Applied {
  outcome: 'created' | 'updated' | 'reused'
  flowId: string
  sourceConnectionId: string
  targetConnectionId: string
  mapping: { id: string; version: string } | undefined
}

export interface Deleted {
  outcome: 'deleted' | 'absent'
  flowId: string
  sourceConnectionId: string
  targetConnectionId: string
}

export async function applyDataflow(settings: ApplySettings, ready: Ready, signedIn: SignedIn, watch: CreateWatch = UNWATCHED): Promise<Applied> {
  const { flow } = ready
  if (!flow) return createDataflow(settings, ready, signedIn, watch)
  if (settings.ifExists === 'fail') {
    throw new ActionError(
      `Dataflow "${settings.name}" (${flow.id}) already exists and if-exists is fail: delete it first (operation: delete), choose another name, or set if-exists: update.`
    )
  }
  // Reuse needs only the connections, to refuse a flow of another table or dataset; update also compares the mapping.
  const existing = await readExisting(flow, signedIn.client, settings.ifExists === 'update')
  const conflict = identityConflict(ready.desired, existing)
  if (conflict) throw new ActionError(conflict)
  if (settings.ifExists === 'update') return updateDataflow(settings, ready, existing, signedIn)
  signedIn.log.info(`Reusing dataflow ${flow.id} unchanged (if-exists: reuse).`)
  return { outcome: 'reused', ...keptOf(flow) }
}

function keptOf(flow: FlowState): Omit<Applied, 'outcome'> {
  return { flowId: flow.id, sourceConnectionId: flow.sourceConnectionIds[0] ?? '', targetConnectionId: flow.targetConnectionIds[0] ?? '', mapping: flow.mapping }
}

/** A create's connection names: the flow's name, and which end it is. */
export const connectionName = (name: string, kind: ConnectionKind): string => `${name} (${kind})`

/** Sends a create exactly once; a source or target connection, or the flow, is found again by its name and this run's token. */
function once<T extends { id: string }>(
  noun: string,
  send: (maxAttempts: number) => Promise<T>,
  lookup: { name: string; token: string; find: () => Promise<Array<T & { description: string }>> } | undefined,
  { settings, sender, log }: { settings: ApplySettings; sender: Sender; log: Log }
): Promise<T> {
  return createOnce<T>(
    {
      noun,
      send,
      ...(lookup ? { find: async () => (await lookup.find()).find((found) => found.description.includes(lookup.token)) } : {}),
      lookFor: lookup ? `look in Platform for "${lookup.name}" with ${lookup.token} in its description` : `look in Platform for ${noun}s made for "${settings.name}"`
    },
    { sender, log, maxAttempts: settings.maxAttempts }
  )
}

function createMappingOnce(settings: ApplySettings, schemaId: string, rows: readonly MappingRow[], { client, sender, log }: SignedIn): Promise<MappingWritten> {
  // Data Prep documents no name or filter for mapping sets: a lost create cannot be found, only sent again.
  return once('mapping set', (maxAttempts) => client.createMappingSet(schemaId, rows, maxAttempts), undefined, { settings, sender, log })
}

/** A new version of the flow's mapping set; a lost answer is settled by its latest version: ours when its rows are. */
function newMappingVersion(settings: ApplySettings, current: { id: string; version: string }, desired: Desired, { client, sender, log }: SignedIn): Promise<MappingWritten> {
  const ours = (rows: readonly MappingRow[]): string => JSON.stringify(rows.map((row) => [row.sourceType, row.source, row.destination]))
  return createOnce<MappingWritten>(
    {
      noun: 'mapping set version',
      send: (maxAttempts) => client.updateMappingSet(current.id, desired.schemaId, desired.rows, maxAttempts),
      find: async () => {
        const latest = await client.mappingSet(current.id)
        const newer = latest && Number(latest.version) > Number(current.version) && ours(latest.rows) === ours(desired.rows) && latest.schemaId === desired.schemaId
        return newer ? { id: latest.id, version: latest.version } : undefined
      },
      lookFor: `look at the versions of mapping set ${current.id} in Platform`
    },
    { sender, log, maxAttempts: settings.maxAttempts }
  )
}

async function createDataflow(settings: ApplySettings, ready: Ready, signedIn: SignedIn, watch: CreateWatch): Promise<Applied> {
  const { client, sender, log } = signedIn
  const { desired } = ready
  const token = runToken()
  const description = `${desired.description} ${token}`
  const context = { settings, sender, log }
  const made: Partial<Record<ConnectionKind, string>> = {}
  const connection = (kind: ConnectionKind, send: (maxAttempts: number) => Promise<Written>): Promise<Written> => {
    const name = connectionName(desired.name, kind)
    return once(`${kind} connection`, send, { name, token, find: () => client.findConnections(kind, name) }, context).then((written) => {
      made[kind] = written.id
      log.info(`Created ${kind} connection ${written.id}.`)
      return written
    })
  }
  const sourceName = connectionName(desired.name, 'source')
  const targetName = connectionName(desired.name, 'target')
  watch.creating('connections', desired.name, token)
  // Independent of each other: sent at once.
  const [source, target, mapping] = await Promise.allSettled([
    connection('source', (maxAttempts) =>
      client.createSourceConnection({ name: sourceName, description, baseConnectionId: desired.baseConnectionId, table: desired.table, columns: ready.columns }, maxAttempts)
    ),
    connection('target', (maxAttempts) => client.createTargetConnection({ name: targetName, description, datasetId: desired.datasetId, schemaId: desired.schemaId }, maxAttempts)),
    createMappingOnce(settings, desired.schemaId, desired.rows, signedIn)
  ])
  const madeMapping = mapping.status === 'fulfilled' ? mapping.value : undefined
  if (madeMapping) log.info(`Created mapping set ${madeMapping.id}, version ${madeMapping.version}.`)
  const failed = [source, target, mapping].find((result) => result.status === 'rejected')
  if (failed || source.status !== 'fulfilled' || target.status !== 'fulfilled' || !madeMapping) {
    const pending = [source, target].some((result) => result.status === 'rejected' && result.reason instanceof MayExistError)
    throw await rolledBack(failed?.reason, { made, mapping: madeMapping, pending }, signedIn, watch)
  }
  let flowId: string
  try {
    const draft = {
      name: desired.name,
      description,
      sourceConnectionId: source.value.id,
      targetConnectionId: target.value.id,
      mapping: madeMapping,
      schedule: desired.schedule
    }
    const flows = (): Promise<Array<FlowState & { description: string }>> => client.findFlows(desired.name)
    // The default start is taken as each attempt is sent (see defaultStartTime).
    const sent = (): typeof draft => (desired.schedule.startTimeGiven ? draft : { ...draft, schedule: { ...draft.schedule, startTime: defaultStartTime(signedIn.sender.now()) } })
    watch.creating('dataflow', desired.name, token)
    flowId = (await once('dataflow', (maxAttempts) => client.createFlow(sent(), maxAttempts), { name: desired.name, token, find: flows }, context)).id
  } catch (error) {
    // The flow may still commit: deleting its connections now could leave it broken. The post step looks for it again.
    if (error instanceof MayExistError) {
      throw new ActionError(
        `${error.message} The post step looks for it again: if it came, it is kept with its connections; if not, its source and target connections are deleted.`
      )
    }
    throw await rolledBack(error, { made, mapping: madeMapping, pending: false }, signedIn, watch)
  }
  log.info(`Created dataflow ${flowId}.`)
  if (!desired.enabled) {
    try {
      await client.setState(flowId, 'disable')
    } catch (error) {
      throw await rolledBack(error, { flowId, made, mapping: madeMapping, pending: false }, signedIn, watch)
    }
    log.info(`Disabled dataflow ${flowId} (enabled: false).`)
  }
  watch.settled()
  return { outcome: 'created', flowId, sourceConnectionId: source.value.id, targetConnectionId: target.value.id, mapping: madeMapping }
}

/**
 * A later create failed: what this run made is deleted again (the flow first, then its
 * connections), so a failed run leaves no connection behind. The error says what remains. When
 * a delete failed, or a create may still commit (`pending`), the post step looks again.
 */
async function rolledBack(
  cause: unknown,
  what: { flowId?: string; made: Partial<Record<ConnectionKind, string>>; mapping: MappingWritten | undefined; pending: boolean },
  { client, log }: SignedIn,
  watch: CreateWatch
): Promise<ActionError> {
  const message = failureMessage(cause, log.debug)
  const left: string[] = []
  const attempt = async (label: string, remove: () => Promise<unknown>): Promise<void> => {
    try {
      await remove()
      log.info(`Rolled back: deleted ${label}, which this run made.`)
    } catch (error) {
      log.warning(`Rolling back ${label} failed: ${failureMessage(error, log.debug)}`)
      left.push(label)
    }
  }
  if (what.flowId !== undefined) {
    const flowId = what.flowId
    await attempt(`dataflow ${flowId}`, () => client.deleteFlow(flowId))
  }
  await Promise.all(
    (Object.entries(what.made) as Array<[ConnectionKind, string]>).map(([kind, id]) => attempt(`${kind} connection ${id}`, () => client.deleteConnection(kind, id)))
  )
  // Data Prep documents no delete for mapping sets.
  if (what.mapping) log.warning(`Mapping set ${what.mapping.id} (version ${what.mapping.version}), which this run made, remains: Adobe documents no way to delete a mapping set.`)
  if (left.length === 0 && !what.pending) watch.settled()
  const remains = left.length > 0 ? ` Still in Platform: ${left.join(', ')}; delete them before running the step again.` : ''
  return new ActionError(`${message}${remains}`)
}

async function updateDataflow(settings: ApplySettings, { desired, readAt }: Ready, existing: Existing, signedIn: SignedIn): Promise<Applied> {
  const { client, log } = signedIn
  const plan = planUpdate(existing, desired)
  // Refused before anything is written: a new mapping version would otherwise be left behind.
  const refused = refusedScheduleUpdate(existing.flow, desired.name, plan.update.schedule, readAt)
  if (refused) throw new ActionError(refused)
  let { flow } = existing
  let mapping = flow.mapping
  let wrote = false
  if (plan.mappingChanged) {
    const current = flow.mapping
    mapping = current ? await newMappingVersion(settings, current, desired, signedIn) : await createMappingOnce(settings, desired.schemaId, desired.rows, signedIn)
    log.info(`Mapping set ${mapping.id} is now at version ${mapping.version}.`)
    wrote = true
  }
  const withMapping = (update: typeof plan.update): typeof plan.update => (plan.mappingChanged && mapping ? { ...update, mapping } : update)
  let ops = flowPatchOps(flow, withMapping(plan.update))
  if (ops.length > 0) {
    let patched = await client.patchFlow(flow, ops)
    if (patched === 'stale') {
      // Changed by someone else meanwhile: read it again and patch what still differs, once.
      const fresh = await client.flow(flow.id)
      if (!fresh) throw new ActionError(`Dataflow ${flow.id} was deleted while this step updated it. Run the step again.`)
      flow = fresh
      ops = flowPatchOps(flow, withMapping(planUpdate({ ...existing, flow }, desired).update))
      patched = ops.length === 0 ? { id: flow.id, etag: flow.etag } : await client.patchFlow(flow, ops)
      if (patched === 'stale') throw new ActionError(`Updating dataflow ${flow.id} failed: it kept changing while this step updated it. Run the step again.`)
    }
    log.info(`Updated dataflow ${flow.id}: ${plan.changes.map((change) => change.field).join(', ')}.`)
    wrote = true
  }
  if (plan.stateAction) {
    await client.setState(flow.id, plan.stateAction)
    log.info(`${plan.stateAction === 'enable' ? 'Enabled' : 'Disabled'} dataflow ${flow.id}.`)
    wrote = true
  }
  if (!wrote) log.info(`Dataflow ${flow.id} is as the inputs describe it: nothing to change.`)
  return { outcome: wrote ? 'updated' : 'reused', ...keptOf(flow), mapping }
}

/** Deletes the flow, then its source and target connections; never the base connection, never the dataset. */
export async function deleteDataflow(settings: DeleteSettings, signedIn: SignedIn): Promise<Deleted> {
  const { client, log } = signedIn
  const flow = await findFlow(settings, client)
  if (!flow) {
    log.info(`No dataflow named "${settings.name}": nothing to delete.`)
    return { outcome: 'absent', flowId: '', sourceConnectionId: '', targetConnectionId: '' }
  }
  const kept = keptOf(flow)
  await client.deleteFlow(flow.id)
  log.info(`Deleted dataflow ${flow.id}.`)
  const connections: Array<[ConnectionKind, string]> = [
    ...flow.sourceConnectionIds.map((id): [ConnectionKind, string] => ['source', id]),
    ...flow.targetConnectionIds.map((id): [ConnectionKind, string] => ['target', id])
  ]
  const results = await Promise.allSettled(connections.map(([kind, id]) => deleteReleased(kind, id, signedIn).then(() => log.info(`Deleted ${kind} connection ${id}.`))))
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [failureMessage(result.reason, log.debug)] : []))
  if (failures.length > 0) throw new ActionError(`Dataflow ${flow.id} is deleted, but not all its connections: ${failures.join(' ')}`)
  return { outcome: 'deleted', flowId: kept.flowId, sourceConnectionId: kept.sourceConnectionId, targetConnectionId: kept.targetConnectionId }
}

/** A connection still referenced by a flow (flow-service-errors.md). */
const IN_USE = '1447-400'

/**
 * Deletes a connection of a flow just deleted. Platform may count it as in use for a moment
 * after its flow went (1447-400): it is asked again with the growing waits of a look-again,
 * within the deadline, and only then is the refusal the step's.
 */
async function deleteReleased(kind: ConnectionKind, id: string, { client, sender }: SignedIn): Promise<void> {
  let refusal: RefusedError | undefined
  /** True once deleted; undefined while Platform counts it as in use. */
  const attempt = async (): Promise<true | undefined> => {
    try {
      await client.deleteConnection(kind, id)
      return true
    } catch (error) {
      if (!(error instanceof RefusedError) || error.code !== IN_USE) throw error
      refusal = error
      return undefined
    }
  }
  if (await attempt()) return
  const line = (look: number): string =>
    `Deleting ${kind} connection ${id}: Platform still counts it as in use by the deleted dataflow; ${look === 1 ? 'asking again' : 'asking once more'}`
  if ((await lookAgain(sender, attempt, line)) !== true) {
    throw new ActionError(`${refusal?.what} failed: Platform still counted it as in use (FLOW-${IN_USE}) after its dataflow was deleted; delete it in Platform by hand.`)
  }
}
