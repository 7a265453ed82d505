// A typed client for the dataflow calls: it sends the requests requests.ts builds (with the
// session's token) and reads their answers with answers.ts. Absent is told from failed only by
// the documented not-found answers; every other failure is one sentence.

import { describeFailure, flowErrorCode, isObject, listItems, readJson, readTables } from '../platform/answers.js'
import { NOT_FOUND_CODES, PageLimits, nextPage, refused, sameName } from '../platform/flow-service.js'
import { type PlatformAccess, type Request, exploreRequest, getRequest } from '../platform/requests.js'
import type { RequestSpec, Response } from '../platform/sender.js'
import { ActionError, OutcomeUnknownError } from '../runner/errors.js'
import {
  type Column,
  type Dataset,
  type FlowSpec,
  type FlowState,
  type MappingSetState,
  type MappingWritten,
  type Run,
  type SourceConnectionState,
  type TargetConnectionState,
  type Written,
  firstRun,
  holdsUnplainId,
  readColumns,
  readConnectionSpecId,
  readDataset,
  readFlow,
  readFlowSpec,
  readMappingSet,
  readMappingWritten,
  readSourceConnection,
  readTargetConnection,
  readWritten,
  singleItem
} from './answers.js'
import type { MappingRow } from './mapping.js'
import {
  CRM_FLOW_SPEC_NAME,
  type ConnectionKind,
  type FlowDraft,
  type PatchOp,
  type SourceConnectionDraft,
  type TargetConnectionDraft,
  createFlowRequest,
  createMappingSetRequest,
  createSourceConnectionRequest,
  createTargetConnectionRequest,
  datasetRequest,
  deleteConnectionRequest,
  deleteFlowRequest,
  exploreTableRequest,
  findConnectionsRequest,
  findFlowsRequest,
  flowSpecRequest,
  flowStateRequest,
  getConnectionRequest,
  getFlowRequest,
  getMappingSetRequest,
  patchFlowRequest,
  runsRequest,
  updateMappingSetRequest
} from './requests.js'

type Send = (request: RequestSpec) => Promise<Response>

/** "No columns were found for table": the table is not there (a 404 is read the same). */
const NO_TABLE_CODE = '1330-400'
/** An enable or disable that cannot be applied on the flow's current state (flow-service-errors.md). */
const SAME_STATE_CODE = '1422-400'
/** Refusals of a schedule change once the start time has passed. */
const STARTED_CODES = new Set(['1366-400', '1403-400', '1404-400'])

const AFTER_A_WRITE = 'Check platform-url; look in Platform before running again.'

/** A not-found answer: Flow Service's codes, or any 404 of Catalog and Data Prep (which document no codes). */
function notFound(response: Response, flowService: boolean): boolean {
  return response.status === 404 && (!flowService || NOT_FOUND_CODES.has(flowErrorCode(response) ?? ''))
}

// "Flow not found": the error catalogue gives 1430-400 and 1439-400, a real answer shows 1439-404.
const FLOW_NOT_FOUND_CODES: ReadonlySet<string> = new Set(['1430-400', '1439-400', '1439-404'])

/** A flow that is not there: a not-found answer, or one of the flow's own not-found codes. */
function flowNotFound(response: Response): boolean {
  return notFound(response, true) || ((response.status === 400 || response.status === 404) && FLOW_NOT_FOUND_CODES.has(flowErrorCode(response) ?? ''))
}

const connectionNotFound = (response: Response): boolean => notFound(response, true)

export class DataflowClient {
  constructor(
    private readonly send: Send,
    private readonly access: PlatformAccess
  ) {}

  /** The JSON of a 200; undefined when `absent` says the answer means "not there". */
  private async read(request: Request, absent: (response: Response) => boolean = () => false): Promise<unknown> {
    const response = await this.send(request)
    if (response.status === 200) return readJson(request.what, response)
    if (absent(response)) return undefined
    throw new ActionError(describeFailure(request.what, response))
  }

  /** One item that must be there (`shape` reads it); undefined when Platform says it is not. */
  private async item<T>(request: Request, shape: (item: unknown) => T | undefined, absent: (response: Response) => boolean): Promise<T | undefined> {
    const body = await this.read(request, absent)
    if (body === undefined) return undefined
    const item = shape(singleItem(body))
    if (item === undefined) throw new ActionError(`${request.what} failed: the answer holds no readable item. Check platform-url.`)
    return item
  }

  /** Every item of a listing, page by page. */
  private async list<T>(lookup: Request, shape: (item: unknown) => T | undefined): Promise<T[]> {
    const found: T[] = []
    const limits = new PageLimits(lookup.what, 'Check platform-url.')
    let request: RequestSpec = lookup
    for (;;) {
      limits.sending(request.url)
      const response = await this.send(request)
      if (response.status !== 200) throw new ActionError(describeFailure(request.what, response))
      limits.received(response.body)
      const body = readJson(request.what, response)
      for (const item of listItems(body)) {
        const shaped = shape(item)
        if (shaped !== undefined) found.push(shaped)
      }
      const next = isObject(body) ? nextPage(this.access, body, lookup) : undefined
      if (!next) return found
      request = next
    }
  }

  /** The base connection's connection spec id: '' when it shows none, undefined when there is no such connection. */
  async baseConnectionSpec(id: string): Promise<string | undefined> {
    const body = await this.read(getRequest(this.access, id), connectionNotFound)
    return body === undefined ? undefined : (readConnectionSpecId(body) ?? '')
  }

  /** The table's columns; undefined when explore finds no such table. */
  async columns(baseConnectionId: string, table: string): Promise<Column[] | undefined> {
    const absent = (response: Response): boolean => response.status === 404 || flowErrorCode(response) === NO_TABLE_CODE
    const body = await this.read(exploreTableRequest(this.access, baseConnectionId, table), absent)
    return body === undefined ? undefined : readColumns(body)
  }

  async tables(baseConnectionId: string): Promise<string[]> {
    return readTables(await this.read(exploreRequest(this.access, baseConnectionId)))
  }

  async dataset(id: string): Promise<Dataset | undefined> {
    const body = await this.read(datasetRequest(this.access, id), (response) => notFound(response, false))
    return body === undefined ? undefined : readDataset(body, id)
  }

  async flowSpec(): Promise<FlowSpec | undefined> {
    return readFlowSpec(await this.read(flowSpecRequest(this.access)), CRM_FLOW_SPEC_NAME)
  }

  /** The flows with exactly this name (compared as Platform may store it: NFC). */
  async findFlows(name: string): Promise<FlowState[]> {
    const flows = await this.list(findFlowsRequest(this.access, name), readFlow)
    return flows.filter((flow) => sameName(flow.name, name))
  }

  async flow(id: string): Promise<FlowState | undefined> {
    return this.item(getFlowRequest(this.access, id), readFlow, flowNotFound)
  }

  async sourceConnection(id: string): Promise<SourceConnectionState | undefined> {
    return this.item(getConnectionRequest(this.access, 'source', id), readSourceConnection, connectionNotFound)
  }

  async targetConnection(id: string): Promise<TargetConnectionState | undefined> {
    return this.item(getConnectionRequest(this.access, 'target', id), readTargetConnection, connectionNotFound)
  }

  /** A mapping set (without `version`, its latest); Data Prep answers the bare set. */
  async mappingSet(id: string, version?: string): Promise<MappingSetState | undefined> {
    const request = getMappingSetRequest(this.access, id, version)
    const body = await this.read(request, (response) => notFound(response, false))
    if (body === undefined) return undefined
    const set = readMappingSet(body)
    if (!set) throw new ActionError(`${request.what} failed: the answer holds no readable mapping set. Check platform-url.`)
    return set
  }

  /** Source or target connections with exactly this name: where a create of unknown outcome is looked for. */
  async findConnections(kind: ConnectionKind, name: string): Promise<Array<{ id: string; etag: string; description: string }>> {
    const shape = kind === 'source' ? readSourceConnection : readTargetConnection
    const found = await this.list(findConnectionsRequest(this.access, kind, name), shape)
    return found.filter((connection) => sameName(connection.name, name))
  }

  /**
   * Sends a create and reads its id. A lost answer surfaces as OutcomeUnknownError (the caller
   * looks before sending again); an accepted create without a readable id is as good as one.
   */
  private async create<T>(request: Request, maxAttempts: number, shape: (body: unknown) => T | undefined): Promise<T> {
    const response = await this.send({ ...request, maxAttempts })
    if (response.status < 200 || response.status >= 300) throw refused(request.what, response)
    let body: unknown
    try {
      body = JSON.parse(response.body)
    } catch {
      body = undefined
    }
    const written = shape(body)
    if (written === undefined && holdsUnplainId(body)) {
      throw new ActionError(`${request.what} failed: the answer holds an invalid id, one with whitespace, a control character or a slash. ${AFTER_A_WRITE}`)
    }
    if (written === undefined) {
      throw new OutcomeUnknownError(
        `${request.what} answered HTTP ${response.status} with an answer that cannot be read, so its id is unknown`,
        'an unreadable answer',
        response.attempts
      )
    }
    return written
  }

  createSourceConnection(draft: SourceConnectionDraft, maxAttempts: number): Promise<Written> {
    return this.create(createSourceConnectionRequest(this.access, draft), maxAttempts, readWritten)
  }

  createTargetConnection(draft: TargetConnectionDraft, maxAttempts: number): Promise<Written> {
    return this.create(createTargetConnectionRequest(this.access, draft), maxAttempts, readWritten)
  }

  async createMappingSet(schemaId: string, rows: readonly MappingRow[], maxAttempts: number): Promise<MappingWritten> {
    return this.versioned(await this.create(createMappingSetRequest(this.access, schemaId, rows), maxAttempts, readMappingWritten))
  }

  async updateMappingSet(id: string, schemaId: string, rows: readonly MappingRow[], maxAttempts: number): Promise<MappingWritten> {
    return this.versioned(await this.create(updateMappingSetRequest(this.access, id, schemaId, rows), maxAttempts, readMappingWritten))
  }

  /** A written mapping set whose answer showed no version: its latest version is the one just written. */
  private async versioned(written: { id: string; version?: string }): Promise<MappingWritten> {
    if (written.version !== undefined) return { id: written.id, version: written.version }
    const set = await this.mappingSet(written.id)
    if (!set) throw new ActionError(`Reading mapping set ${written.id} failed: Data Prep does not find the set it just wrote. ${AFTER_A_WRITE}`)
    return { id: set.id, version: set.version }
  }

  createFlow(draft: FlowDraft, maxAttempts: number): Promise<Written> {
    return this.create(createFlowRequest(this.access, draft), maxAttempts, readWritten)
  }

  /** Patches the flow; 'stale' when its etag changed meanwhile (412), for the caller to read it again. */
  async patchFlow(flow: FlowState, ops: PatchOp[]): Promise<Written | 'stale'> {
    const request = patchFlowRequest(this.access, flow, ops)
    const response = await this.send(request)
    if (response.status === 412) return 'stale'
    if (response.status === 200) {
      const written = readWritten(readJson(request.what, response))
      if (!written) throw new ActionError(`${request.what} failed: HTTP 200 came without the dataflow's id. ${AFTER_A_WRITE}`)
      return written
    }
    if (STARTED_CODES.has(flowErrorCode(response) ?? '')) {
      throw refused(
        request.what,
        response,
        "Platform refuses a new start time, a switch to once and a backfill change after a dataflow's first run is due, and judges this one's due: delete the dataflow (operation: delete) and apply again."
      )
    }
    throw refused(request.what, response)
  }

  /**
   * Enables or disables the flow. "Cannot be applied on the current state" (1422-400) is done only
   * when the flow is in that state already (also after a lost answer): the flow is read to know,
   * as the code alone also covers a state such as updating.
   */
  async setState(flowId: string, op: 'enable' | 'disable'): Promise<void> {
    const request = flowStateRequest(this.access, flowId, op)
    const response = await this.send(request)
    if (response.status >= 200 && response.status < 300) return
    if (flowErrorCode(response) === SAME_STATE_CODE && (await this.flow(flowId))?.state === `${op}d`) return
    throw refused(request.what, response)
  }

  /** Deletes; 'absent' when Platform says there is none (after a lost answer, that is this delete's doing). */
  async deleteFlow(id: string): Promise<'deleted' | 'absent'> {
    return this.remove(deleteFlowRequest(this.access, id), flowNotFound)
  }

  async deleteConnection(kind: ConnectionKind, id: string): Promise<'deleted' | 'absent'> {
    return this.remove(deleteConnectionRequest(this.access, kind, id), connectionNotFound)
  }

  private async remove(request: Request, absent: (response: Response) => boolean): Promise<'deleted' | 'absent'> {
    const response = await this.send(request)
    if (response.status === 200 || response.status === 204) return 'deleted'
    if (absent(response)) return response.repeated ? 'deleted' : 'absent'
    throw refused(request.what, response)
  }

  /** The flow's first run, once there is one. */
  async firstRun(flowId: string): Promise<Run | undefined> {
    return firstRun(await this.read(runsRequest(this.access, flowId)), flowId)
  }
}
