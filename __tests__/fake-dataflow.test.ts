// Checks the dataflow half of the local test server: explore of a table, source and target
// connections, mapping sets, flows, flow specs, runs and datasets, with the documented refusals.
import { CRM_FLOW_SPEC_ID, DATA_LAKE_SPEC_ID, MYSQL_SPEC_ID, defaultColumns, startFakePlatform, type FakePlatform, type FakePlatformOptions } from '../testing/fake-platform.mjs'

const FLOW = '/data/foundation/flowservice'
const CATALOG = '/data/foundation/catalog'
const PREP = '/data/foundation/conversion'
const START = 1_900_000_000 // epoch seconds, the fake's "now" below
let clockMs = START * 1000

let fp: FakePlatform

beforeAll(async () => {
  fp = await startFakePlatform({ now: () => clockMs })
})
afterAll(() => fp.close())
beforeEach(() => {
  fp.reset()
  clockMs = START * 1000
})

interface Init {
  method?: string
  body?: unknown
  headers?: Record<string, string>
}

/** A call with valid headers to a full path (service base included); `body` is sent as JSON. */
function call(path: string, init: Init = {}, server = fp): Promise<Response> {
  const { method = 'GET', body, headers = {} } = init
  return fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.accessToken}`,
      'x-api-key': 'test-client-id',
      'x-gw-ims-org-id': 'TESTORG@AdobeOrg',
      'x-sandbox-name': 'prod',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T
}

const codeOf = async (response: Response): Promise<string> => (await json<{ type: string }>(response)).type.replace('https://ns.adobe.com/aep/errors/FLOW-', '')

async function withPlatform(options: FakePlatformOptions, body: (server: FakePlatform) => Promise<void>): Promise<void> {
  const server = await startFakePlatform({ now: () => clockMs, ...options })
  try {
    await body(server)
  } finally {
    await server.close()
  }
}

/** What a dataflow stands on: a MySQL base connection with a table, and a dataset with a schema. */
function ground(server = fp) {
  const base = server.addConnection({ name: 'shop', tables: ['shop.orders'] })
  const dataset = server.addDataset({ schemaId: 'https://ns.adobe.com/tenant/schemas/orders' })
  return { base, dataset, schemaId: 'https://ns.adobe.com/tenant/schemas/orders' }
}

const sourceBody = (baseId: string, overrides: Record<string, unknown> = {}) => ({
  name: 'orders source',
  baseConnectionId: baseId,
  data: { format: 'tabular' },
  params: { tableName: 'shop.orders', columns: defaultColumns() },
  connectionSpec: { id: MYSQL_SPEC_ID, version: '1.0' },
  ...overrides
})

const targetBody = (dataSetId: string, schemaId: string, version = 'application/vnd.adobe.xed-full+json;version=1') => ({
  name: 'orders target',
  data: { schema: { id: schemaId, version } },
  params: { dataSetId },
  connectionSpec: { id: DATA_LAKE_SPEC_ID, version: '1.0' }
})

const mappingBody = (schemaId: string, rows = [{ source: 'id', destination: '_id' }]) => ({
  outputSchema: { schemaRef: { id: schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' } },
  mappings: rows.map((row) => ({ sourceType: 'ATTRIBUTE', ...row }))
})

async function created(response: Response, status = 201): Promise<{ id: string; etag: string }> {
  expect(response.status).toBe(status)
  return json<{ id: string; etag: string }>(response)
}

/** Source connection, target connection and mapping set of one flow; the flow body to post with them. */
async function parts(server = fp) {
  const { base, dataset, schemaId } = ground(server)
  const source = await created(await call(`${FLOW}/sourceConnections`, { method: 'POST', body: sourceBody(base.id) }, server))
  const target = await created(await call(`${FLOW}/targetConnections`, { method: 'POST', body: targetBody(dataset.id, schemaId) }, server))
  const mapping = await created(await call(`${PREP}/mappingSets`, { method: 'POST', body: mappingBody(schemaId) }, server), 200)
  const flowBody = (overrides: Record<string, unknown> = {}, schedule: Record<string, unknown> = {}) => ({
    name: 'orders flow',
    flowSpec: { id: CRM_FLOW_SPEC_ID, version: '1.0' },
    sourceConnectionIds: [source.id],
    targetConnectionIds: [target.id],
    transformations: [
      { name: 'Copy', params: { deltaColumn: { name: 'updated_at' } } },
      { name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: 0 } }
    ],
    scheduleParams: { startTime: String(START + 60), frequency: 'hour', interval: '1', backfill: 'true', ...schedule },
    ...overrides
  })
  return { base, dataset, schemaId, source, target, mapping, flowBody }
}

async function newFlow(server = fp) {
  const p = await parts(server)
  const flow = await created(await call(`${FLOW}/flows`, { method: 'POST', body: p.flowBody() }, server))
  return { ...p, flow }
}

const getFlow = async (id: string, server = fp) => (await json<{ items: Record<string, unknown>[] }>(await call(`${FLOW}/flows/${id}`, {}, server))).items[0]!

describe('explore objectType=table', () => {
  it('lists the columns of a table; either case of objectType', async () => {
    const columns = [{ name: 'sku', type: 'string', xdm: { type: 'string' } }]
    const { id } = fp.addConnection({ name: 'db', tables: ['shop.orders', 'shop.items'], columns: { 'shop.items': columns } })
    const orders = await json(await call(`${FLOW}/connections/${id}/explore?objectType=table&object=shop.orders`))
    expect(orders).toEqual({ format: 'flat', schema: { columns: defaultColumns() } })
    const items = await json(await call(`${FLOW}/connections/${id}/explore?objectType=TABLE&object=shop.items`))
    expect(items).toEqual({ format: 'flat', schema: { columns } })
  })

  it.each([
    ['objectType=table', '1337-400'],
    ['objectType=table&object=shop.nope', '1330-400'],
    ['objectType=folder', '1358-400']
  ])('%s is %s', async (query, code) => {
    const { id } = fp.addConnection({ name: 'db', tables: ['shop.orders'] })
    expect(await codeOf(await call(`${FLOW}/connections/${id}/explore?${query}`))).toBe(code)
  })
})

describe('Catalog datasets', () => {
  it('answers an object keyed by the id, limited by properties; other sandboxes and unknown ids are 404', async () => {
    await withPlatform({ sandboxes: ['prod', 'dev'] }, async (server) => {
      const dataset = server.addDataset({ name: 'Orders', schemaId: 'https://ns.adobe.com/t/schemas/1' })
      const full = await json(await call(`${CATALOG}/dataSets/${dataset.id}`, {}, server))
      expect(full[dataset.id]).toMatchObject({ name: 'Orders', schemaRef: { id: 'https://ns.adobe.com/t/schemas/1', contentType: 'application/vnd.adobe.xed+json;version=1' } })
      const some = await json(await call(`${CATALOG}/dataSets/${dataset.id}?properties=name,schemaRef`, {}, server))
      expect(Object.keys(some[dataset.id] as object).sort()).toEqual(['name', 'schemaRef'])
      expect((await call(`${CATALOG}/dataSets/${dataset.id}`, { headers: { 'x-sandbox-name': 'dev' } }, server)).status).toBe(404)
      expect((await call(`${CATALOG}/dataSets/nope`, {}, server)).status).toBe(404)
      const schemaless = server.addDataset({ schemaId: null })
      expect((await json(await call(`${CATALOG}/dataSets/${schemaless.id}`, {}, server)))[schemaless.id]).not.toHaveProperty('schemaRef')
    })
  })

  it('asks for the same credentials as Flow Service', async () => {
    const dataset = fp.addDataset()
    expect((await call(`${CATALOG}/dataSets/${dataset.id}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
  })
})

describe('flow specs', () => {
  it.each(['name==CRMToAEP', 'name==%22CRMToAEP%22'])('new form: GET /flowSpecs?property=%s is {items: [CRMToAEP]} with MySQL listed', async (filter) => {
    const { items } = await json<{ items: Record<string, unknown>[] }>(await call(`${FLOW}/flowSpecs?property=${filter}`))
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ id: CRM_FLOW_SPEC_ID, name: 'CRMToAEP', targetConnectionSpecIds: [DATA_LAKE_SPEC_ID] })
    expect(items[0]!['sourceConnectionSpecIds']).toContain(MYSQL_SPEC_ID)
    expect(items[0]).toHaveProperty('transformationSpecs')
    expect((await json<{ items: unknown[] }>(await call(`${FLOW}/flowSpecs?property=name==CloudStorageToAEP`))).items).toEqual([])
  })

  it('old form: the bare spec with transformationSpec', async () => {
    await withPlatform({ flowSpecForm: 'old' }, async (server) => {
      const spec = await json(await call(`${FLOW}/flowSpecs?property=name==CRMToAEP`, {}, server))
      expect(spec).toMatchObject({ id: CRM_FLOW_SPEC_ID, name: 'CRMToAEP' })
      expect(spec).toHaveProperty('transformationSpec')
      expect(spec).not.toHaveProperty('items')
    })
  })

  it('serves the flow spec by id and the data lake connection spec', async () => {
    expect((await json<{ items: { name: string }[] }>(await call(`${FLOW}/flowSpecs/${CRM_FLOW_SPEC_ID}`))).items[0]!.name).toBe('CRMToAEP')
    expect((await call(`${FLOW}/flowSpecs/9753525b-82c7-4dce-8a9b-5ccfce2b9876`)).status).toBe(404)
    expect((await json<{ items: { id: string }[] }>(await call(`${FLOW}/connectionSpecs/${DATA_LAKE_SPEC_ID}`))).items[0]!.id).toBe(DATA_LAKE_SPEC_ID)
  })
})

describe('source connections', () => {
  it('creates one per table, reads it back and finds it by name', async () => {
    const { base } = ground()
    const { id, etag } = await created(await call(`${FLOW}/sourceConnections`, { method: 'POST', body: sourceBody(base.id) }))
    expect(etag).toMatch(/^".+"$/)
    const { items } = await json<{ items: Record<string, unknown>[] }>(await call(`${FLOW}/sourceConnections/${id}`))
    expect(items[0]).toMatchObject({ id, baseConnectionId: base.id, data: { format: 'tabular' }, params: { tableName: 'shop.orders' }, state: 'enabled' })
    const listed = await json<{ items: { id: string }[] }>(await call(`${FLOW}/sourceConnections?property=name==orders%20source`))
    expect(listed.items.map((item) => item.id)).toEqual([id])
  })

  it.each([
    ['no name (the spec requires it)', { name: undefined }, '1302-400'],
    ['a file format', { data: { format: 'delimited' } }, '1327-400'],
    ['no tableName', { params: { columns: defaultColumns() } }, '1323-400'],
    ['no columns', { params: { tableName: 'shop.orders', columns: [] } }, '1323-400'],
    ['a table explore does not list', { params: { tableName: 'shop.nope', columns: defaultColumns() } }, '1330-400'],
    ['another connection spec', { connectionSpec: { id: DATA_LAKE_SPEC_ID, version: '1.0' } }, '1332-400'],
    ['an unknown base connection', { baseConnectionId: 'c0ffee' }, '1302-400']
  ])('refuses %s with %s', async (_, overrides, code) => {
    const { base } = ground()
    expect(await codeOf(await call(`${FLOW}/sourceConnections`, { method: 'POST', body: sourceBody(base.id, overrides) }))).toBe(code)
    expect(fp.sourceConnections.size).toBe(0)
    expect(fp.invalidBodies).toEqual([expect.objectContaining({ code })])
  })

  it('PATCH needs If-Match and changes only name and description', async () => {
    const { base } = ground()
    const { id, etag } = await created(await call(`${FLOW}/sourceConnections`, { method: 'POST', body: sourceBody(base.id) }))
    const rename = [{ op: 'replace', path: '/name', value: 'renamed' }]
    expect(await codeOf(await call(`${FLOW}/sourceConnections/${id}`, { method: 'PATCH', body: rename }))).toBe('1403-400')
    expect(await codeOf(await call(`${FLOW}/sourceConnections/${id}`, { method: 'PATCH', body: rename, headers: { 'if-match': '"old"' } }))).toBe('1404-412')
    const tablePatch = [{ op: 'replace', path: '/params/tableName', value: 'x' }]
    expect(await codeOf(await call(`${FLOW}/sourceConnections/${id}`, { method: 'PATCH', body: tablePatch, headers: { 'if-match': etag } }))).toBe('1365-400')
    expect((await call(`${FLOW}/sourceConnections/${id}`, { method: 'PATCH', body: rename, headers: { 'if-match': etag } })).status).toBe(200)
    expect(fp.sourceConnections.get(id)).toMatchObject({ name: 'renamed' })
  })
})

describe('target connections', () => {
  it.each(['application/vnd.adobe.xed-full+json;version=1', 'application/vnd.adobe.xed-full+json;version=1.0'])('accepts schema version %s', async (version) => {
    const { dataset, schemaId } = ground()
    await created(await call(`${FLOW}/targetConnections`, { method: 'POST', body: targetBody(dataset.id, schemaId, version) }))
    expect(fp.targetConnections.size).toBe(1)
  })

  it('refuses another spec (1307), no or an unknown dataset (1325), a schema not the dataset’s (1425)', async () => {
    const { dataset, schemaId } = ground()
    const post = (body: unknown) => call(`${FLOW}/targetConnections`, { method: 'POST', body })
    expect(await codeOf(await post({ ...targetBody(dataset.id, schemaId), connectionSpec: { id: MYSQL_SPEC_ID, version: '1.0' } }))).toBe('1307-400')
    expect(await codeOf(await post(targetBody('', schemaId)))).toBe('1325-400')
    expect(await codeOf(await post(targetBody('5c8c3c555033b814b69f947f', schemaId)))).toBe('1325-400')
    expect(await codeOf(await post(targetBody(dataset.id, 'https://ns.adobe.com/tenant/schemas/other')))).toBe('1425-400')
    expect(await codeOf(await post({ params: { dataSetId: dataset.id }, connectionSpec: { id: DATA_LAKE_SPEC_ID } }))).toBe('1302-400')
    expect(fp.targetConnections.size).toBe(0)
  })
})

describe('Data Prep mapping sets', () => {
  const schemaId = 'https://ns.adobe.com/tenant/schemas/orders'

  it('creates with 200 and version 0, adds versions with PUT, reads any version in both vocabularies', async () => {
    const response = await call(`${PREP}/mappingSets`, { method: 'POST', body: mappingBody(schemaId) })
    expect(response.status).toBe(200)
    const { id, version } = await json<{ id: string; version: number }>(response)
    expect(version).toBe(0)
    const put = await json(await call(`${PREP}/mappingSets/${id}`, { method: 'PUT', body: mappingBody(schemaId, [{ source: 'name', destination: 'person.name.fullName' }]) }))
    expect(put).toMatchObject({ id, version: 1 })
    const latest = await json<{ version: number; mappings: Record<string, unknown>[] }>(await call(`${PREP}/mappingSets/${id}`))
    expect(latest.version).toBe(1)
    expect(latest.mappings[0]).toMatchObject({ source: 'name', destination: 'person.name.fullName', sourceAttribute: 'name', destinationXdmPath: 'person.name.fullName' })
    const first = await json<{ mappings: { source: string }[]; outputSchema: unknown; xdmSchema: string }>(await call(`${PREP}/mappingSets/${id}?version=0`))
    expect(first.mappings.map((m) => m.source)).toEqual(['id'])
    expect(first.xdmSchema).toBe(schemaId)
    expect((await call(`${PREP}/mappingSets/${id}?version=2`)).status).toBe(404)
  })

  const legacy = { version: 0, xdmSchema: schemaId, xdmVersion: '1.0', id: null, mappings: [{ destinationXdmPath: '_id', sourceAttribute: 'id', identity: false, version: 0 }] }

  it.each([
    ['either', 200, 200],
    ['reference', 200, 400],
    ['legacy', 400, 200]
  ] as const)('mappingShape %s: the reference body %s, the tutorial body %s', async (mappingShape, referenceStatus, legacyStatus) => {
    await withPlatform({ mappingShape }, async (server) => {
      expect((await call(`${PREP}/mappingSets`, { method: 'POST', body: mappingBody(schemaId) }, server)).status).toBe(referenceStatus)
      expect((await call(`${PREP}/mappingSets`, { method: 'POST', body: legacy }, server)).status).toBe(legacyStatus)
    })
  })

  it.each([
    ['no rows', []],
    ['a row without source', [{ destination: '_id' }]],
    [
      'two rows with one destination',
      [
        { source: 'id', destination: '_id' },
        { source: 'name', destination: '_id' }
      ]
    ]
  ])('refuses %s', async (_, rows) => {
    expect((await call(`${PREP}/mappingSets`, { method: 'POST', body: mappingBody(schemaId, rows as { source: string; destination: string }[]) })).status).toBe(400)
    expect(fp.mappingSets.size).toBe(0)
  })
})

describe('POST /flows', () => {
  it('creates an enabled flow; GET echoes the schedule and mapping version as strings', async () => {
    const p = await parts()
    const response = await call(`${FLOW}/flows`, { method: 'POST', body: p.flowBody() })
    const { id } = await created(response)
    expect(response.headers.get('location')).toBe(`${FLOW}/flows/${id}`)
    const flow = await getFlow(id)
    expect(flow).toMatchObject({
      id,
      name: 'orders flow',
      state: 'enabled',
      sourceConnectionIds: [p.source.id],
      targetConnectionIds: [p.target.id],
      scheduleParams: { startTime: String(START + 60), frequency: 'hour', interval: '1', backfill: 'true' },
      transformations: [
        { name: 'Copy', params: { deltaColumn: { name: 'updated_at' } } },
        { name: 'Mapping', params: { mappingId: p.mapping.id, mappingVersion: '0' } }
      ],
      inheritedAttributes: { sourceConnections: [{ id: p.source.id, baseConnection: { id: p.base.id } }], targetConnections: [{ id: p.target.id }] }
    })
    expect(flow).not.toHaveProperty('runPlan')
    const byName = await json<{ items: { id: string }[] }>(await call(`${FLOW}/flows?property=name==orders%20flow`))
    expect(byName.items.map((item) => item.id)).toEqual([id])
  })

  const typed = { startTime: START + 60, interval: '1', backfill: true }
  const strings = { startTime: String(START + 60), interval: '1', backfill: 'true' }

  it.each([
    ['either', typed, 201],
    ['either', strings, 201],
    ['tutorial', typed, 400],
    ['tutorial', strings, 201],
    ['spec', typed, 201],
    ['spec', strings, 400]
  ] as const)('scheduleTypes %s: %j is %s', async (scheduleTypes, schedule, status) => {
    await withPlatform({ scheduleTypes }, async (server) => {
      const p = await parts(server)
      expect((await call(`${FLOW}/flows`, { method: 'POST', body: p.flowBody({}, schedule) }, server)).status).toBe(status)
    })
  })

  it.each([
    ['a start time in the past', {}, { startTime: String(START - 1) }, '1360-400'],
    ['an interval with once', { transformations: 'mapping-only' }, { frequency: 'once', interval: '1', backfill: undefined }, '1361-400'],
    ['a minute interval under 15', {}, { frequency: 'minute', interval: '10' }, '1362-400'],
    ['no interval', {}, { interval: undefined }, '1362-400'],
    ['backfill with once', { transformations: 'mapping-only' }, { frequency: 'once', interval: undefined }, '1364-400'],
    ['no delta column', { transformations: 'mapping-only' }, {}, '1367-400'],
    ['a delta column with once', {}, { frequency: 'once', interval: undefined, backfill: undefined }, '1369-400'],
    ['state', { state: 'enabled' }, {}, '1410-400'],
    ['mode', { mode: 'incremental' }, {}, '1368-400'],
    ['another flow spec', { flowSpec: { id: '9753525b-82c7-4dce-8a9b-5ccfce2b9876', version: '1.0' } }, {}, '1413-400'],
    ['an unknown mapping version', { transformations: 'version-7' }, {}, '1412-400'],
    ['no Mapping', { transformations: 'copy-only' }, {}, '1370-400'],
    ['empty schedule params', { scheduleParams: {} }, {}, '1317-400']
  ])('refuses %s with %s', async (_, overrides, schedule, code) => {
    const p = await parts()
    const copy = { name: 'Copy', params: { deltaColumn: { name: 'updated_at' } } }
    const mapping = (version: unknown) => ({ name: 'Mapping', params: { mappingId: p.mapping.id, mappingVersion: version } })
    const transformations = { 'mapping-only': [mapping(0)], 'version-7': [copy, mapping('7')], 'copy-only': [copy] }
    const { transformations: which, ...rest } = overrides as { transformations?: keyof typeof transformations }
    const body = p.flowBody({ ...rest, ...(which ? { transformations: transformations[which] } : {}) }, schedule)
    expect(await codeOf(await call(`${FLOW}/flows`, { method: 'POST', body }))).toBe(code)
    expect(fp.flows.size).toBe(0)
  })

  it('refuses a mapping whose schema is not the target dataset’s (1425)', async () => {
    const p = await parts()
    const other = await created(await call(`${PREP}/mappingSets`, { method: 'POST', body: mappingBody('https://ns.adobe.com/tenant/schemas/other') }), 200)
    const body = p.flowBody({
      transformations: [
        { name: 'Copy', params: { deltaColumn: { name: 'updated_at' } } },
        { name: 'Mapping', params: { mappingId: other.id, mappingVersion: '0' } }
      ]
    })
    expect(await codeOf(await call(`${FLOW}/flows`, { method: 'POST', body }))).toBe('1425-400')
  })

  it('a once flow takes no Copy, interval or backfill', async () => {
    const p = await parts()
    const body = p.flowBody(
      { transformations: [{ name: 'Mapping', params: { mappingId: p.mapping.id, mappingVersion: '0' } }] },
      { frequency: 'once', interval: undefined, backfill: undefined }
    )
    await created(await call(`${FLOW}/flows`, { method: 'POST', body }))
  })
})

describe('PATCH /flows/{id}', () => {
  const patch = (id: string, body: unknown, etag?: string) => call(`${FLOW}/flows/${id}`, { method: 'PATCH', body, headers: etag ? { 'if-match': etag } : {} })

  it('needs the current etag: 1403-400 without, 1404-412 stale; a change gives a new etag', async () => {
    const { flow } = await newFlow()
    const ops = [{ op: 'replace', path: '/scheduleParams/frequency', value: 'day' }]
    expect(await codeOf(await patch(flow.id, ops))).toBe('1403-400')
    expect(await codeOf(await patch(flow.id, ops, '"stale"'))).toBe('1404-412')
    const { etag } = await created(await patch(flow.id, ops, flow.etag), 200)
    expect(etag).not.toBe(flow.etag)
    expect((await getFlow(flow.id))['scheduleParams']).toMatchObject({ frequency: 'day' })
  })

  it('a new mapping version at the Mapping’s actual index; index 0 would drop the Copy step (1367)', async () => {
    const { flow, mapping, schemaId } = await newFlow()
    await call(`${PREP}/mappingSets/${mapping.id}`, { method: 'PUT', body: mappingBody(schemaId, [{ source: 'name', destination: 'person.name.fullName' }]) })
    const value = { name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: 1 } }
    expect(await codeOf(await patch(flow.id, [{ op: 'replace', path: '/transformations/0', value }], flow.etag))).toBe('1367-400')
    expect(
      await codeOf(await patch(flow.id, [{ op: 'replace', path: '/transformations/1', value: { ...value, params: { ...value.params, mappingVersion: 5 } } }], flow.etag))
    ).toBe('1412-400')
    await created(await patch(flow.id, [{ op: 'replace', path: '/transformations/1', value }], flow.etag), 200)
    expect((await getFlow(flow.id))['transformations']).toEqual([
      { name: 'Copy', params: { deltaColumn: { name: 'updated_at' } } },
      { name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: '1' } }
    ])
  })

  it('name and description; a state path is not patchable (1365)', async () => {
    const { flow } = await newFlow()
    const ops = [
      { op: 'replace', path: '/name', value: 'renamed' },
      { op: 'add', path: '/description', value: 'now described' }
    ]
    const { etag } = await created(await patch(flow.id, ops, flow.etag), 200)
    expect(await getFlow(flow.id)).toMatchObject({ name: 'renamed', description: 'now described' })
    expect(await codeOf(await patch(flow.id, [{ op: 'replace', path: '/state', value: 'disabled' }], etag))).toBe('1365-400')
  })

  it('once the start time has passed: no new start time (1366), no switch to once (1403-400), no backfill change (1404-400)', async () => {
    const { flow } = await newFlow()
    clockMs = (START + 3600) * 1000
    expect(await codeOf(await patch(flow.id, [{ op: 'replace', path: '/scheduleParams/startTime', value: String(START + 7200) }], flow.etag))).toBe('1366-400')
    const toOnce = [
      { op: 'replace', path: '/scheduleParams', value: { startTime: String(START + 60), frequency: 'once' } },
      { op: 'replace', path: '/transformations', value: [] }
    ]
    expect(await codeOf(await patch(flow.id, toOnce, flow.etag))).toBe('1403-400')
    expect(await codeOf(await patch(flow.id, [{ op: 'replace', path: '/scheduleParams/backfill', value: 'false' }], flow.etag))).toBe('1404-400')
    // Before it passes, a new start time is fine, and a past one is not.
    clockMs = START * 1000
    expect(await codeOf(await patch(flow.id, [{ op: 'replace', path: '/scheduleParams/startTime', value: String(START - 5) }], flow.etag))).toBe('1360-400')
    await created(await patch(flow.id, [{ op: 'replace', path: '/scheduleParams/startTime', value: String(START + 7200) }], flow.etag), 200)
  })
})

describe('POST /flows/{id}/action', () => {
  const action = (id: string, op: string, headers: Record<string, string> = {}) => call(`${FLOW}/flows/${id}/action?op=${op}`, { method: 'POST', headers })

  it('disables and enables without a body or Content-Type; the same action twice is 1422', async () => {
    const { flow } = await newFlow()
    const disabled = await created(await action(flow.id, 'disable'), 200)
    expect(disabled.etag).not.toBe(flow.etag)
    expect(fp.flows.get(flow.id)!.state).toBe('disabled')
    expect(await codeOf(await action(flow.id, 'disable'))).toBe('1422-400')
    await created(await action(flow.id, 'ENABLE', { 'if-match': disabled.etag }), 200)
    expect((await getFlow(flow.id))['state']).toBe('enabled')
    expect(await codeOf(await action(flow.id, 'disable', { 'if-match': disabled.etag }))).toBe('1404-412')
  })
})

describe('GET /runs?property=flowId==…', () => {
  interface Run {
    id: string
    flowId: string
    metrics: { statusSummary: { status: string; errors?: { code: string; message: string }[] }; recordSummary: Record<string, number> }
  }
  const poll = async (flowId: string, server = fp): Promise<Run[]> => (await json<{ items: Run[] }>(await call(`${FLOW}/runs?property=flowId==${flowId}`, {}, server))).items

  it('the first run is in progress for the planned polls, counting records up, then succeeds', async () => {
    const { flow } = await newFlow()
    const seen = []
    for (let i = 0; i < 4; i++) seen.push((await poll(flow.id))[0]!)
    expect(seen.map((run) => run.metrics.statusSummary.status)).toEqual(['inProgress', 'inProgress', 'success', 'success'])
    expect(seen.map((run) => run.metrics.recordSummary['inputRecordCount'])).toEqual([0, 50, 100, 100])
    expect(seen[2]!.metrics.recordSummary).toEqual({ inputRecordCount: 100, outputRecordCount: 99, failedRecordCount: 1 })
    expect(new Set(seen.map((run) => run.id)).size).toBe(1)
    expect(seen[0]!.flowId).toBe(flow.id)
  })

  it('a failing run carries its error code and message', async () => {
    await withPlatform({ firstRun: { polls: 0, status: 'failed', errorCode: 'CONNECTOR-2001-500', errorMessage: 'Parsing failed.' } }, async (server) => {
      const { flow } = await newFlow(server)
      const [run] = await poll(flow.id, server)
      expect(run!.metrics.statusSummary).toEqual({ status: 'failed', errors: [{ code: 'CONNECTOR-2001-500', message: 'Parsing failed.' }] })
    })
  })

  it('a disabled flow does not run; runs of other flows are not listed', async () => {
    const { flow } = await newFlow()
    await call(`${FLOW}/flows/${flow.id}/action?op=disable`, { method: 'POST' })
    expect(await poll(flow.id)).toEqual([])
    expect(await poll('another-flow')).toEqual([])
  })
})

describe('deletes', () => {
  it('connections under a flow are refused (1447, base 1418); after the flow goes, all of them can go', async () => {
    await withPlatform({ notFoundCode: '1439-404' }, async (server) => {
      const { flow, source, target, base } = await newFlow(server)
      const del = (path: string) => call(`${FLOW}${path}`, { method: 'DELETE' }, server)
      expect(await codeOf(await del(`/sourceConnections/${source.id}`))).toBe('1447-400')
      expect(await codeOf(await del(`/targetConnections/${target.id}`))).toBe('1447-400')
      expect(await codeOf(await del(`/connections/${base.id}`))).toBe('1418-400')
      expect((await del(`/flows/${flow.id}`)).status).toBe(204)
      expect(await codeOf(await call(`${FLOW}/flows/${flow.id}`, {}, server))).toBe('1439-404')
      expect(await codeOf(await del(`/flows/${flow.id}`))).toBe('1439-404')
      for (const path of [`/sourceConnections/${source.id}`, `/targetConnections/${target.id}`, `/connections/${base.id}`]) expect((await del(path)).status).toBe(204)
      expect(server.runs.size + server.flows.size + server.sourceConnections.size + server.targetConnections.size).toBe(0)
    })
  })
})

describe('faults on each create', () => {
  const creates = [
    ['source connection', `${FLOW}/sourceConnections`, 'sourceConnections'],
    ['target connection', `${FLOW}/targetConnections`, 'targetConnections'],
    ['mapping set', `${PREP}/mappingSets`, 'mappingSets'],
    ['flow', `${FLOW}/flows`, 'flows']
  ] as const

  /** Makes the parts a create of `which` needs (one of each already), and returns how to send that create. */
  async function prepare(which: (typeof creates)[number][2]): Promise<() => Promise<Response>> {
    const p = await parts()
    // The parts made one of each already; the count of that store is checked from this baseline.
    const bodies = {
      sourceConnections: sourceBody(p.base.id),
      targetConnections: targetBody(p.dataset.id, p.schemaId),
      mappingSets: mappingBody(p.schemaId),
      flows: p.flowBody()
    }
    const path = creates.find(([, , store]) => store === which)![1]
    return () => call(path, { method: 'POST', body: bodies[which] })
  }

  // parts() made one of each but the flow.
  const baseline = (store: string): number => (store === 'flows' ? 0 : 1)

  it.each(creates)('%s: 5xx after commit and a lost answer both leave it created', async (_, path, store) => {
    let send = await prepare(store)
    fp.inject({ method: 'POST', path, action: 'status-after-commit', status: 503 })
    expect((await send()).status).toBe(503)
    expect(fp[store].size).toBe(baseline(store) + 1)
    fp.reset()
    send = await prepare(store)
    fp.inject({ method: 'POST', path, action: 'reset-after-commit' })
    await expect(send()).rejects.toThrow('fetch failed')
    expect(fp[store].size).toBe(baseline(store) + 1)
  })

  it.each(creates.filter(([, path]) => path.startsWith(FLOW)))('%s: commit-after-lookups lets the first lookups miss it', async (_, path, store) => {
    const send = await prepare(store)
    fp.inject({ method: 'POST', path, action: 'commit-after-lookups', lookups: 2 })
    expect((await send()).status).toBe(504)
    const count = async () => (await json<{ items: unknown[] }>(await call(path))).items.length
    expect(await count()).toBe(baseline(store))
    expect(await count()).toBe(baseline(store))
    expect(await count()).toBe(baseline(store) + 1)
    expect(fp.requests.findLast((r) => r.method === 'POST' && r.path === path)!.fault).toBe('commit-after-lookups')
  })
})
