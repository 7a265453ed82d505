import { readFlow } from '../src/dataflow/answers.js'
import { type Desired, type Existing, createChanges, deleteChanges, identityConflict, planUpdate } from '../src/dataflow/changes.js'
import { flowPatchOps } from '../src/dataflow/requests.js'

const START = 1_900_000_000 // 2030-03-17T17:46:40Z

const desired = (overrides: Partial<Desired> = {}, schedule: Partial<Desired['schedule']> = {}): Desired => ({
  name: 'MySQL shop.orders to ds1',
  description: 'Managed by GitHub Actions',
  baseConnectionId: 'b1',
  table: 'shop.orders',
  datasetId: 'ds1',
  schemaId: 'https://ns.adobe.com/t/schemas/orders',
  rows: [
    { source: 'id', destination: '_id', sourceType: 'ATTRIBUTE' },
    { source: 'name', destination: 'person.name.fullName', sourceType: 'ATTRIBUTE' }
  ],
  schedule: { frequency: 'hour', interval: 1, backfill: true, deltaColumn: 'updated_at', startTime: START + 999, startTimeGiven: false, ...schedule },
  enabled: true,
  ...overrides
})

/** The flow Platform holds after creating desired() (its start time the one the create sent). */
const existing = (flowOverrides: Record<string, unknown> = {}): Existing => ({
  flow: readFlow({
    id: 'f1',
    etag: '"e1"',
    name: 'MySQL shop.orders to ds1',
    description: 'Managed by GitHub Actions',
    state: 'enabled',
    sourceConnectionIds: ['s1'],
    targetConnectionIds: ['t1'],
    inheritedAttributes: { sourceConnections: [{ id: 's1', baseConnection: { id: 'b1' } }] },
    scheduleParams: { startTime: String(START), frequency: 'hour', interval: '1', backfill: 'true' },
    transformations: [
      { name: 'Copy', params: { deltaColumn: { name: 'updated_at' } } },
      { name: 'Mapping', params: { mappingId: 'm1', mappingVersion: '0' } }
    ],
    ...flowOverrides
  })!,
  source: { id: 's1', etag: '', name: 'src', description: '', baseConnectionId: 'b1', table: 'shop.orders' },
  target: { id: 't1', etag: '', name: 'tgt', description: '', datasetId: 'ds1', schemaId: 'https://ns.adobe.com/t/schemas/orders' },
  mapping: { id: 'm1', version: '0', schemaId: 'https://ns.adobe.com/t/schemas/orders', rows: desired().rows.map((row) => ({ ...row })) }
})

describe('planUpdate', () => {
  it('an identical second run changes nothing: the default start time is not compared', () => {
    const plan = planUpdate(existing(), desired())
    expect(plan).toEqual({ changes: [], update: {}, mappingChanged: false })
    expect(flowPatchOps(existing().flow, plan.update)).toEqual([])
  })

  it('the run token a create added to the description is no difference', () => {
    const flow = existing({ description: 'Managed by GitHub Actions [run-token 0f8e5c1a-1b2c-4d3e-8f90-123456789abc]' })
    expect(planUpdate(flow, desired()).changes).toEqual([])
    expect(planUpdate(flow, desired({ description: 'new' })).changes).toEqual([{ field: 'description', from: 'Managed by GitHub Actions', to: 'new' }])
  })

  it('typed values in the flow compare equal to the strings sent', () => {
    const flow = { scheduleParams: { startTime: START, frequency: 'hour', interval: 1, backfill: true } }
    expect(planUpdate(existing(flow), desired()).changes).toEqual([])
  })

  it('a given start time is compared and sent; the rest of the schedule with it', () => {
    const plan = planUpdate(existing(), desired({}, { startTime: START + 3600, startTimeGiven: true }))
    expect(plan.changes).toEqual([{ field: 'start-time', from: '2030-03-17T17:46:40.000Z', to: '2030-03-17T18:46:40.000Z' }])
    expect(plan.update).toEqual({ schedule: { startTime: String(START + 3600) } })
  })

  it('a schedule change sends only what differs, never the flow’s start time', () => {
    const plan = planUpdate(existing(), desired({}, { frequency: 'minute', interval: 15, backfill: false }))
    expect(plan.changes).toEqual([
      { field: 'frequency', from: 'hour', to: 'minute' },
      { field: 'interval', from: '1', to: '15' },
      { field: 'backfill', from: 'true', to: 'false' }
    ])
    expect(flowPatchOps(existing().flow, plan.update)).toEqual([
      { op: 'replace', path: '/scheduleParams/frequency', value: 'minute' },
      { op: 'replace', path: '/scheduleParams/interval', value: '15' },
      { op: 'replace', path: '/scheduleParams/backfill', value: 'false' }
    ])
  })

  it('to once: no interval, backfill or delta column; the Copy step goes', () => {
    const plan = planUpdate(existing(), desired({}, { frequency: 'once', interval: undefined, backfill: undefined, deltaColumn: undefined }))
    expect(plan.changes).toEqual([
      { field: 'frequency', from: 'hour', to: 'once' },
      { field: 'interval', from: '1', to: null },
      { field: 'backfill', from: 'true', to: null },
      { field: 'delta-column', from: 'updated_at', to: null }
    ])
    expect(flowPatchOps(existing().flow, plan.update)).toEqual([
      { op: 'replace', path: '/scheduleParams/frequency', value: 'once' },
      { op: 'remove', path: '/scheduleParams/interval' },
      { op: 'remove', path: '/scheduleParams/backfill' },
      { op: 'replace', path: '/transformations', value: [{ name: 'Mapping', params: { mappingId: 'm1', mappingVersion: '0' } }] }
    ])
  })

  it('mapping: one change per destination, and a new version needed', () => {
    const rows = [
      { source: 'customer_id', destination: '_id', sourceType: 'ATTRIBUTE' as const },
      { source: 'concat(a, b)', destination: 'person.name.display', sourceType: 'EXPRESSION' as const }
    ]
    const plan = planUpdate(existing(), desired({ rows }))
    expect(plan.mappingChanged).toBe(true)
    expect(plan.changes).toEqual([
      { field: 'mapping _id', from: 'id', to: 'customer_id' },
      { field: 'mapping person.name.display', from: null, to: 'concat(a, b) (expression)' },
      { field: 'mapping person.name.fullName', from: 'name', to: null }
    ])
    expect(plan.update).toEqual({})
  })

  it('the same rows in another order are no change; a moved schema is', () => {
    const reversed = desired({ rows: [...desired().rows].reverse() })
    expect(planUpdate(existing(), reversed).mappingChanged).toBe(false)
    const moved = planUpdate(existing(), desired({ schemaId: 'https://ns.adobe.com/t/schemas/v2' }))
    expect(moved.mappingChanged).toBe(true)
    expect(moved.changes).toEqual([{ field: 'mapping schema', from: 'https://ns.adobe.com/t/schemas/orders', to: 'https://ns.adobe.com/t/schemas/v2' }])
  })

  it('a mapping that could not be read is written again', () => {
    const { mapping: _, ...withoutMapping } = existing()
    const plan = planUpdate(withoutMapping, desired())
    expect(plan.mappingChanged).toBe(true)
    expect(plan.changes.map((c) => c.field)).toEqual(['mapping _id', 'mapping person.name.fullName'])
  })

  it('description and the enabled state', () => {
    const plan = planUpdate(existing({ description: undefined }), desired({ enabled: false }))
    expect(plan.changes).toEqual([
      { field: 'description', from: null, to: 'Managed by GitHub Actions' },
      { field: 'enabled', from: 'true', to: 'false' }
    ])
    expect(plan.update).toEqual({ description: 'Managed by GitHub Actions' })
    expect(plan.stateAction).toBe('disable')
    expect(planUpdate(existing({ state: 'disabled' }), desired()).stateAction).toBe('enable')
  })
})

describe('identityConflict', () => {
  it('none for the same base connection, table and dataset', () => {
    expect(identityConflict(desired(), existing())).toBeUndefined()
  })

  it('names every difference in one sentence, and what to do', () => {
    expect(identityConflict(desired({ table: 'shop.items', datasetId: 'ds2' }), existing())).toBe(
      'Dataflow "MySQL shop.orders to ds1" (f1) already exists and reads table shop.orders, not shop.items and writes dataset ds1, not ds2: delete it first (operation: delete) or choose another name.'
    )
    expect(identityConflict(desired({ baseConnectionId: 'b2' }), existing())).toMatch(/reads base connection b1, not b2/)
  })

  it('the flow’s inherited base connection when its source connection could not be read', () => {
    const { source: _, ...withoutSource } = existing()
    expect(identityConflict(desired({ baseConnectionId: 'b2' }), withoutSource)).toMatch(/reads base connection b1, not b2/)
  })
})

describe('createChanges and deleteChanges', () => {
  it('a create sets every field from null, the start time in ISO 8601', () => {
    expect(createChanges(desired())).toEqual([
      { field: 'source-connection', from: null, to: 'table shop.orders of connection b1' },
      { field: 'target-connection', from: null, to: 'dataset ds1' },
      { field: 'name', from: null, to: 'MySQL shop.orders to ds1' },
      { field: 'description', from: null, to: 'Managed by GitHub Actions' },
      { field: 'frequency', from: null, to: 'hour' },
      { field: 'interval', from: null, to: '1' },
      { field: 'backfill', from: null, to: 'true' },
      { field: 'start-time', from: null, to: '2030-03-17T18:03:19.000Z' },
      { field: 'delta-column', from: null, to: 'updated_at' },
      { field: 'enabled', from: null, to: 'true' },
      { field: 'mapping _id', from: null, to: 'id' },
      { field: 'mapping person.name.fullName', from: null, to: 'name' }
    ])
  })

  it('a delete removes the flow and its source and target connections, nothing else', () => {
    expect(deleteChanges(existing())).toEqual([
      { field: 'dataflow', from: 'MySQL shop.orders to ds1 (f1)', to: null },
      { field: 'source-connection', from: 's1', to: null },
      { field: 'target-connection', from: 't1', to: null }
    ])
  })
})
