// The dataflow requests as built, checked as data, then sent in their documented order to the
// local test server (which checks bodies against Adobe's spec and tutorials) and read back with
// the answer readers: what the action will send is what Platform accepts.
import { firstRun, readColumns, readDataset, readFlow, readFlowSpec, readMappingSet, readMappingWritten, readWritten, singleItem } from '../src/dataflow/answers.js'
import { readTables } from '../src/platform/answers.js'
import { type Desired, type Existing, planUpdate } from '../src/dataflow/changes.js'
import type { MappingRow } from '../src/dataflow/mapping.js'
import {
  CRM_FLOW_SPEC_ID,
  DATA_LAKE_SPEC_ID,
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
  flowPatchOps,
  flowSpecRequest,
  flowStateRequest,
  getConnectionRequest,
  getFlowRequest,
  getMappingSetRequest,
  patchFlowRequest,
  runsRequest,
  updateMappingSetRequest
} from '../src/dataflow/requests.js'
import type { Schedule } from '../src/dataflow/schedule.js'
import { MYSQL_SPEC_ID, type PlatformAccess, type Request, exploreRequest } from '../src/platform/requests.js'
import { type FakePlatform, type FakePlatformOptions, startFakePlatform } from '../testing/fake-platform.mjs'

const START = 1_900_000_000
/** The test server always answers a mapping set's version: one without it fails here. */
function mappingWritten(body: unknown): { id: string; version: string } | undefined {
  const written = readMappingWritten(body)
  return written?.version === undefined ? undefined : { id: written.id, version: written.version }
}
const access: PlatformAccess = { platformUrl: 'https://platform.adobe.io', clientId: 'cid', imsOrgId: 'ORG@AdobeOrg', sandboxName: 'dev' }
const schedule: Schedule = { frequency: 'minute', interval: 15, backfill: true, deltaColumn: 'updated_at', startTime: START + 60, startTimeGiven: false }
const rows: MappingRow[] = [
  { source: 'id', destination: '_id', sourceType: 'ATTRIBUTE' },
  { source: 'name', destination: 'person.name.fullName', sourceType: 'ATTRIBUTE' }
]

describe('as data', () => {
  it('headers as the connection requests have them, no token; JSON only with a body', () => {
    const read = datasetRequest(access, 'ds1')
    expect(read).toEqual({
      what: 'Reading dataset ds1',
      method: 'GET',
      url: 'https://platform.adobe.io/data/foundation/catalog/dataSets/ds1',
      headers: { 'x-api-key': 'cid', 'x-gw-ims-org-id': 'ORG@AdobeOrg', 'x-sandbox-name': 'dev', Accept: 'application/json' },
      idempotent: true
    })
    const create = createMappingSetRequest(access, 'https://ns.adobe.com/t/schemas/s', rows)
    expect(create).toMatchObject({ method: 'POST', url: 'https://platform.adobe.io/data/foundation/conversion/mappingSets', idempotent: false })
    expect(create.headers['Content-Type']).toBe('application/json')
    expect(JSON.parse(create.body!)).toEqual({
      outputSchema: { schemaRef: { id: 'https://ns.adobe.com/t/schemas/s', contentType: 'application/vnd.adobe.xed-full+json;version=1' } },
      mappings: [
        { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
        { sourceType: 'ATTRIBUTE', source: 'name', destination: 'person.name.fullName' }
      ]
    })
    expect(updateMappingSetRequest(access, 'm1', 's', rows)).toMatchObject({
      method: 'PUT',
      url: 'https://platform.adobe.io/data/foundation/conversion/mappingSets/m1',
      idempotent: false
    })
  })

  it('encodes paths and filters as the connection lookup does: %20, never +; filter syntax falls back to a wider filter', () => {
    expect(exploreTableRequest(access, 'b1', 'shop.order items').url).toBe(
      'https://platform.adobe.io/data/foundation/flowservice/connections/b1/explore?objectType=table&object=shop.order%20items'
    )
    expect(findFlowsRequest(access, 'MySQL orders to ds').url).toBe('https://platform.adobe.io/data/foundation/flowservice/flows?property=name==MySQL%20orders%20to%20ds')
    expect(findFlowsRequest(access, 'a,b==c').url).toBe(`https://platform.adobe.io/data/foundation/flowservice/flows?property=flowSpec.id==${CRM_FLOW_SPEC_ID}`)
    expect(findConnectionsRequest(access, 'target', 'x"y').url).toBe('https://platform.adobe.io/data/foundation/flowservice/targetConnections')
    // A name Unicode composes two ways (é as one character or two): a server comparing bytes would miss the other composition.
    const decomposed = 'Cafe\u0301 orders'
    expect(findFlowsRequest(access, decomposed).url).toBe(`https://platform.adobe.io/data/foundation/flowservice/flows?property=flowSpec.id==${CRM_FLOW_SPEC_ID}`)
    expect(findConnectionsRequest(access, 'source', decomposed).url).toBe('https://platform.adobe.io/data/foundation/flowservice/sourceConnections')
    expect(flowSpecRequest(access).url).toBe('https://platform.adobe.io/data/foundation/flowservice/flowSpecs?property=name==CRMToAEP')
    expect(runsRequest(access, 'f/1').url).toBe('https://platform.adobe.io/data/foundation/flowservice/runs?property=flowId==f%2F1')
    expect(getMappingSetRequest(access, 'm1', '2').url).toBe('https://platform.adobe.io/data/foundation/conversion/mappingSets/m1?version=2')
    expect(getFlowRequest(access, '..').url).toBe('https://platform.adobe.io/data/foundation/flowservice/flows/..')
  })

  it('the flow body: strings in the schedule and mapping version, Copy then Mapping, no state', () => {
    const body = JSON.parse(
      createFlowRequest(access, { name: 'n', description: 'd', sourceConnectionId: 's', targetConnectionId: 't', mapping: { id: 'm', version: '0' }, schedule }).body!
    )
    expect(body).toEqual({
      name: 'n',
      description: 'd',
      flowSpec: { id: CRM_FLOW_SPEC_ID, version: '1.0' },
      sourceConnectionIds: ['s'],
      targetConnectionIds: ['t'],
      transformations: [
        { name: 'Copy', params: { deltaColumn: { name: 'updated_at' } } },
        { name: 'Mapping', params: { mappingId: 'm', mappingVersion: '0' } }
      ],
      scheduleParams: { startTime: String(START + 60), frequency: 'minute', interval: '15', backfill: 'true' }
    })
    const once = JSON.parse(
      createFlowRequest(access, {
        name: 'n',
        description: 'd',
        sourceConnectionId: 's',
        targetConnectionId: 't',
        mapping: { id: 'm', version: '0' },
        schedule: { frequency: 'once', startTime: START, startTimeGiven: true }
      }).body!
    )
    expect(once.transformations).toEqual([{ name: 'Mapping', params: { mappingId: 'm', mappingVersion: '0' } }])
    expect(once.scheduleParams).toEqual({ startTime: String(START), frequency: 'once' })
  })

  it('enable/disable: no body, no Content-Type, no subOp', () => {
    const request = flowStateRequest(access, 'f1', 'disable')
    expect(request).toMatchObject({ method: 'POST', url: 'https://platform.adobe.io/data/foundation/flowservice/flows/f1/action?op=disable', idempotent: true })
    expect(request.body).toBeUndefined()
    expect(request.headers['Content-Type']).toBeUndefined()
  })
})

describe('flowPatchOps', () => {
  const flow = (transformations: unknown[]) =>
    readFlow({ id: 'f1', etag: '"e1"', scheduleParams: { startTime: '1', frequency: 'hour', interval: '1', backfill: 'true' }, transformations })!
  const dbFlow = flow([
    { name: 'Copy', params: { deltaColumn: { name: 'updated_at' } } },
    { name: 'Mapping', params: { mappingId: 'm1', mappingVersion: '0' } }
  ])

  it('patches the Mapping step at its actual index, never index 0 blindly', () => {
    expect(flowPatchOps(dbFlow, { mapping: { id: 'm1', version: '1' } })).toEqual([
      { op: 'replace', path: '/transformations/1', value: { name: 'Mapping', params: { mappingId: 'm1', mappingVersion: '1' } } }
    ])
    const mappingFirst = flow([
      { name: 'Mapping', params: { mappingId: 'm1', mappingVersion: 0 } },
      { name: 'Copy', params: { deltaColumn: { name: 'updated_at' } } }
    ])
    expect(flowPatchOps(mappingFirst, { mapping: { id: 'm1', version: '1' }, deltaColumn: { value: 'changed_at' } })).toEqual([
      { op: 'replace', path: '/transformations/1', value: { name: 'Copy', params: { deltaColumn: { name: 'changed_at' } } } },
      { op: 'replace', path: '/transformations/0', value: { name: 'Mapping', params: { mappingId: 'm1', mappingVersion: '1' } } }
    ])
  })

  it('name, description (add), and schedule params one by one: replace, add or remove', () => {
    const onceFlow = readFlow({ id: 'f1', scheduleParams: { startTime: '1', frequency: 'once' }, transformations: [] })!
    expect(flowPatchOps(onceFlow, { name: 'n', description: 'd', schedule: { frequency: 'day', interval: '2', backfill: 'true' } })).toEqual([
      { op: 'replace', path: '/name', value: 'n' },
      { op: 'add', path: '/description', value: 'd' },
      { op: 'replace', path: '/scheduleParams/frequency', value: 'day' },
      { op: 'add', path: '/scheduleParams/interval', value: '2' },
      { op: 'add', path: '/scheduleParams/backfill', value: 'true' }
    ])
    expect(flowPatchOps(dbFlow, { schedule: { frequency: 'once', interval: null, backfill: null } })).toEqual([
      { op: 'replace', path: '/scheduleParams/frequency', value: 'once' },
      { op: 'remove', path: '/scheduleParams/interval' },
      { op: 'remove', path: '/scheduleParams/backfill' }
    ])
  })

  it('replaces the transformations whole when the Copy step comes or goes', () => {
    expect(flowPatchOps(dbFlow, { deltaColumn: { value: undefined } })).toEqual([
      { op: 'replace', path: '/transformations', value: [{ name: 'Mapping', params: { mappingId: 'm1', mappingVersion: '0' } }] }
    ])
    const onceFlow = flow([{ name: 'Mapping', params: { mappingId: 'm1', mappingVersion: '3' } }])
    expect(flowPatchOps(onceFlow, { deltaColumn: { value: 'updated_at' }, mapping: { id: 'm1', version: '4' } })).toEqual([
      {
        op: 'replace',
        path: '/transformations',
        value: [
          { name: 'Copy', params: { deltaColumn: { name: 'updated_at' } } },
          { name: 'Mapping', params: { mappingId: 'm1', mappingVersion: '4' } }
        ]
      }
    ])
  })

  it('nothing to change, nothing to send', () => {
    expect(flowPatchOps(dbFlow, {})).toEqual([])
  })
})

describe('against the test server', () => {
  let fp: FakePlatform

  async function send(request: Request, server = fp): Promise<{ status: number; body: unknown }> {
    // The client adds the token; the server's origin replaces Adobe's.
    const url = request.url.replace('https://platform.adobe.io', server.url)
    const response = await fetch(url, { method: request.method, headers: { Authorization: `Bearer ${server.accessToken}`, ...request.headers }, body: request.body })
    const text = await response.text()
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
  }

  async function withServer(options: FakePlatformOptions, body: (server: FakePlatform, local: PlatformAccess) => Promise<void>): Promise<void> {
    const server = await startFakePlatform({ clientId: 'cid', imsOrgId: 'ORG@AdobeOrg', sandboxes: ['dev'], now: () => START * 1000, ...options })
    try {
      fp = server
      await body(server, access)
    } finally {
      await server.close()
    }
  }

  /** Every create, read, update and delete of one dataflow, in the order the action sends them. */
  async function lifecycle(server: FakePlatform): Promise<void> {
    const base = server.addConnection({ name: 'shop', tables: ['shop.orders', 'shop.items'], sandboxName: 'dev' })
    const dataset = server.addDataset({ schemaId: 'https://ns.adobe.com/t/schemas/orders', sandboxName: 'dev' })

    const tables = readTables((await send(exploreRequest(access, base.id))).body)
    expect(tables).toEqual(['shop.orders', 'shop.items'])
    const columns = readColumns((await send(exploreTableRequest(access, base.id, 'shop.orders'))).body)!
    expect(columns.map((c) => c.name)).toEqual(['id', 'name', 'updated_at'])
    const spec = readFlowSpec((await send(flowSpecRequest(access))).body, 'CRMToAEP')!
    expect(spec.sourceConnectionSpecIds).toContain(MYSQL_SPEC_ID)
    expect(spec.targetConnectionSpecIds).toEqual([DATA_LAKE_SPEC_ID])
    const ds = readDataset((await send(datasetRequest(access, dataset.id))).body, dataset.id)!
    expect(ds.schemaId).toBe('https://ns.adobe.com/t/schemas/orders')

    const created = async (request: Request, status = 201) => {
      const answer = await send(request)
      expect(answer.status).toBe(status)
      return answer.body
    }
    const source = readWritten(
      await created(
        createSourceConnectionRequest(access, {
          name: 'orders src',
          description: 'd [run-token 1]',
          baseConnectionId: base.id,
          table: 'shop.orders',
          columns: columns.map((c) => c.raw)
        })
      )
    )!
    const target = readWritten(await created(createTargetConnectionRequest(access, { name: 'orders tgt', description: 'd', datasetId: dataset.id, schemaId: ds.schemaId! })))!
    const mapping = mappingWritten(await created(createMappingSetRequest(access, ds.schemaId!, rows), 200))!
    expect(mapping.version).toBe('0')
    const flowId = readWritten(
      await created(createFlowRequest(access, { name: 'orders', description: 'd', sourceConnectionId: source.id, targetConnectionId: target.id, mapping, schedule }))
    )!.id

    const found = (await send(findConnectionsRequest(access, 'source', 'orders src'))).body as { items: { description: string }[] }
    expect(found.items.map((item) => item.description)).toEqual(['d [run-token 1]'])
    expect(singleItem((await send(getConnectionRequest(access, 'target', target.id))).body)).toMatchObject({ id: target.id })
    const listed = (await send(findFlowsRequest(access, 'orders'))).body as { items: unknown[] }
    const flow = readFlow(listed.items[0])!
    expect(flow).toMatchObject({ id: flowId, state: 'enabled', baseConnectionId: base.id, copyIndex: 0, mappingIndex: 1, mapping, deltaColumn: 'updated_at' })

    const version = mappingWritten(
      await created(updateMappingSetRequest(access, mapping.id, ds.schemaId!, [...rows, { source: 'updated_at', destination: 'metadata.updated', sourceType: 'ATTRIBUTE' }]), 200)
    )!
    expect(version).toEqual({ id: mapping.id, version: '1' })
    expect(readMappingSet((await send(getMappingSetRequest(access, mapping.id, '0'))).body)!.rows).toEqual(rows)
    const ops = flowPatchOps(flow, { mapping: version, schedule: { frequency: 'hour', interval: '2' }, description: 'new' })
    expect(readWritten(await created(patchFlowRequest(access, flow, ops), 200))).toMatchObject({ id: flowId })
    const updated = readFlow(singleItem((await send(getFlowRequest(access, flowId))).body))!
    expect(updated).toMatchObject({
      description: 'new',
      mapping: { id: mapping.id, version: '1' },
      scheduleParams: { frequency: 'hour', interval: '2' },
      deltaColumn: 'updated_at'
    })
    // A stale etag is refused: the caller re-reads the flow.
    expect((await send(patchFlowRequest(access, flow, ops))).status).toBe(412)

    const run = firstRun((await send(runsRequest(access, flowId))).body, flowId)!
    expect(run).toMatchObject({ flowId, phase: 'running' })
    expect(readWritten(await created(flowStateRequest(access, flowId, 'disable'), 200))).toMatchObject({ id: flowId })
    expect(readFlow(singleItem((await send(getFlowRequest(access, flowId))).body))!.state).toBe('disabled')

    expect((await send(deleteFlowRequest(access, flowId))).status).toBe(204)
    expect((await send(deleteConnectionRequest(access, 'source', source.id))).status).toBe(204)
    expect((await send(deleteConnectionRequest(access, 'target', target.id))).status).toBe(204)
    expect(server.invalidBodies).toEqual([])
  }

  it('every call in order, against the lenient server', () => withServer({}, lifecycle))

  it.each([
    ['the tutorial schedule strings', { scheduleTypes: 'tutorial' }],
    ['the reference mapping shape', { mappingShape: 'reference' }],
    ['the older flow spec form', { flowSpecForm: 'old' }],
    ['strict JSON Patch and query decoding', { strict: true }]
  ] as const)('every call in order, against a server that insists on %s', (_, options) => withServer(options, lifecycle))

  it('to once and back, patched as planUpdate and flowPatchOps have it', () =>
    withServer({}, async (server) => {
      const base = server.addConnection({ name: 'shop', tables: ['t'], sandboxName: 'dev' })
      const dataset = server.addDataset({ schemaId: 's', sandboxName: 'dev' })
      const columns = [{ name: 'id' }, { name: 'name' }, { name: 'updated_at' }]
      const source = readWritten((await send(createSourceConnectionRequest(access, { name: 'a', description: '', baseConnectionId: base.id, table: 't', columns }))).body)!
      const target = readWritten((await send(createTargetConnectionRequest(access, { name: 'b', description: '', datasetId: dataset.id, schemaId: 's' }))).body)!
      const mapping = mappingWritten((await send(createMappingSetRequest(access, 's', rows))).body)!
      const desired: Desired = { name: 'n', description: '', baseConnectionId: base.id, table: 't', datasetId: dataset.id, schemaId: 's', rows, schedule, enabled: true }
      const flowId = readWritten((await send(createFlowRequest(access, { ...desired, sourceConnectionId: source.id, targetConnectionId: target.id, mapping }))).body)!.id
      const read = async () => readFlow(singleItem((await send(getFlowRequest(access, flowId))).body))!
      const existing = async (): Promise<Existing> => ({ flow: await read(), mapping: { id: mapping.id, version: '0', schemaId: 's', rows } })
      const apply = async (wanted: Desired) => {
        const current = await existing()
        const plan = planUpdate(current, wanted)
        expect((await send(patchFlowRequest(access, current.flow, flowPatchOps(current.flow, plan.update)))).status).toBe(200)
        expect(planUpdate(await existing(), wanted).changes).toEqual([])
      }
      await apply({ ...desired, schedule: { frequency: 'once', startTime: START + 60, startTimeGiven: false } })
      const once = await read()
      expect(once).toMatchObject({ scheduleParams: { frequency: 'once', startTime: String(START + 60) }, mappingIndex: 0 })
      expect(once).not.toHaveProperty('copyIndex')
      await apply({ ...desired, schedule: { ...schedule, frequency: 'day', interval: 3 } })
      expect(await read()).toMatchObject({ scheduleParams: { frequency: 'day', interval: '3', backfill: 'true' }, deltaColumn: 'updated_at', copyIndex: 0, mappingIndex: 1 })
      expect(server.invalidBodies).toEqual([])
    }))

  it('a server insisting on the spec-typed schedule refuses the strings sent (documented choice: the tutorial form)', () =>
    withServer({ scheduleTypes: 'spec' }, async (server) => {
      const base = server.addConnection({ name: 'shop', tables: ['t'], sandboxName: 'dev' })
      const dataset = server.addDataset({ schemaId: 's', sandboxName: 'dev' })
      const source = readWritten(
        (await send(createSourceConnectionRequest(access, { name: 'a', description: '', baseConnectionId: base.id, table: 't', columns: [{ name: 'id' }] }))).body
      )!
      const target = readWritten((await send(createTargetConnectionRequest(access, { name: 'b', description: '', datasetId: dataset.id, schemaId: 's' }))).body)!
      const mapping = mappingWritten((await send(createMappingSetRequest(access, 's', rows))).body)!
      const answer = await send(createFlowRequest(access, { name: 'n', description: '', sourceConnectionId: source.id, targetConnectionId: target.id, mapping, schedule }))
      expect(answer.status).toBe(400)
    }))
})
