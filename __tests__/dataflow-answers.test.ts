import {
  MAX_TABLES_COMPARED,
  closestTables,
  firstRun,
  holdsUnplainId,
  readColumns,
  readDataset,
  readFlow,
  readFlowSpec,
  readMappingSet,
  readMappingWritten,
  readRun,
  readWritten,
  runPhase,
  singleItem
} from '../src/dataflow/answers.js'
import { readTables } from '../src/platform/answers.js'

// Values a hostile or broken server might put where an object, a list or an id belongs.
const JUNK: unknown[] = [null, undefined, 0, 'x', [], {}, [null], { items: 'no' }, { items: [null] }]

describe('every reader survives junk', () => {
  it.each(JUNK.map((value) => [JSON.stringify(value) ?? 'undefined', value]))('%s', (_, value) => {
    expect(readTables(value)).toEqual([])
    expect(readColumns(value)).toBeUndefined()
    expect(readDataset(value, 'd1')).toBeUndefined()
    expect(readFlowSpec(value, 'CRMToAEP')).toBeUndefined()
    expect(readWritten(value)).toBeUndefined()
    expect(readMappingWritten(value)).toBeUndefined()
    expect(readFlow(value)).toBeUndefined()
    expect(readMappingSet(value)).toBeUndefined()
    expect(readRun(value)).toBeUndefined()
    expect(firstRun(value, 'f1')).toBeUndefined()
  })
})

describe('ids are plain strings or nothing', () => {
  it.each([1.5, 2 ** 53, -0.5, '', 'a/b', 'c0ffee\n::warning::x', '..', { id: 'x' }])('%j', (id) => {
    expect(readWritten({ id, etag: '"e"' })).toBeUndefined()
    expect(readFlow({ id })).toBeUndefined()
    expect(readMappingWritten({ id, version: 0 })).toBeUndefined()
  })

  it('a flow keeps only the plain ids of its lists and mapping', () => {
    const flow = readFlow({
      id: 'f1',
      sourceConnectionIds: ['s1', 's/2', 3, 1.5],
      targetConnectionIds: 't1',
      transformations: [{ name: 'Mapping', params: { mappingId: 'm\n1', mappingVersion: '0' } }]
    })!
    expect(flow.sourceConnectionIds).toEqual(['s1', '3'])
    expect(flow.targetConnectionIds).toEqual([])
    expect(flow.mappingIndex).toBe(0)
    expect(flow.mapping).toBeUndefined()
  })

  it('a JSON number that is a safe integer is an id, read as its digits', () => {
    expect(readWritten({ id: 42, etag: '"e"' })).toEqual({ id: '42', etag: '"e"' })
    expect(readMappingWritten({ id: 7, version: 0 })).toEqual({ id: '7', version: '0' })
    expect(readFlow({ id: 9, transformations: [{ name: 'Mapping', params: { mappingId: 7, mappingVersion: 0 } }] })).toMatchObject({ id: '9', mapping: { id: '7', version: '0' } })
    expect(readMappingSet({ id: 7, version: 1, mappings: [] })).toMatchObject({ id: '7' })
  })

  it('a write answer whose id is there but not plain is told apart from one without an id', () => {
    for (const id of ['a/b', 'c0ffee\n::warning::x', '..', ' x']) {
      expect(holdsUnplainId({ id })).toBe(true)
      expect(holdsUnplainId({ items: [{ id }] })).toBe(true)
    }
    for (const body of [{ id: 'f1' }, { id: 42 }, { id: '' }, { id: 1.5 }, {}, null, 'a/b', { items: [] }]) expect(holdsUnplainId(body)).toBe(false)
  })
})

describe('explore', () => {
  it('tables: the paths of table entries, from a bare array or an items list', () => {
    const entries = [{ type: 'table', name: 'n1', path: 'db.t1' }, { type: 'TABLE', name: 'db.t2' }, { type: 'view', path: 'v' }, { type: 'table', path: '  ' }, 'junk']
    expect(readTables(entries)).toEqual(['db.t1', 'db.t2'])
    expect(readTables({ items: entries })).toEqual(['db.t1', 'db.t2'])
  })

  it('columns: named ones, kept as given', () => {
    const raw = { name: 'd', type: 'string', 'meta:xdmType': 'date-time', xdm: { type: 'string', format: 'date-time' } }
    expect(readColumns({ format: 'flat', schema: { columns: [raw, { type: 'string' }, 'x'] } })).toEqual([{ name: 'd', raw }])
  })

  it('closest tables by edit distance, case-insensitive', () => {
    expect(closestTables('shop.ordr', ['shop.orders', 'shop.items', 'SHOP.ORDER', 'crm.accounts'], 2)).toEqual(['SHOP.ORDER', 'shop.orders'])
    expect(closestTables('x', [])).toEqual([])
  })

  it('compares only the first MAX_TABLES_COMPARED paths of a long listing', () => {
    const tables = Array.from({ length: 20_000 }, (_, i) => (i === MAX_TABLES_COMPARED ? 'shop.orders' : `archive.t${i}`))
    let read = 0
    const counted = new Proxy(tables, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) read++
        return Reflect.get(target, key, receiver) as unknown
      }
    })
    expect(closestTables('shop.ordr', counted, 1)).not.toEqual(['shop.orders'])
    expect(read).toBe(MAX_TABLES_COMPARED)
    expect(closestTables('shop.ordr', tables.slice(1), 1)).toEqual(['shop.orders'])
  })
})

describe('Catalog', () => {
  it('the dataset under its own id; one keyed otherwise is not it', () => {
    const body = { d1: { name: 'Orders', schemaRef: { id: 'https://ns.adobe.com/t/schemas/1', contentType: 'application/vnd.adobe.xed+json;version=1' } } }
    expect(readDataset(body, 'd1')).toEqual({ id: 'd1', name: 'Orders', schemaId: 'https://ns.adobe.com/t/schemas/1' })
    expect(readDataset(body, 'd2')).toBeUndefined()
    expect(readDataset({ d1: { name: 'No schema' } }, 'd1')).toEqual({ id: 'd1', name: 'No schema' })
    expect(readDataset({ d1: { schemaRef: { id: ' ' } } }, 'd1')).toEqual({ id: 'd1', name: '' })
  })
})

describe('flow spec', () => {
  const spec = {
    id: '14518937-270c-4525-bdec-c2ba7cce3860',
    name: 'CRMToAEP',
    sourceConnectionSpecIds: ['a', '26d738e0-8963-47ea-aadf-c60de735468a', 7],
    targetConnectionSpecIds: ['c604ff05-7f1a-43c0-8e18-33bf874cb11c']
  }

  it.each([
    [
      'items + transformationSpecs (CRM tutorial)',
      {
        items: [
          { name: 'Other', id: 'x' },
          { ...spec, transformationSpecs: [{ name: 'Copy' }, { name: 'Mapping' }] }
        ]
      }
    ],
    ['bare + transformationSpec (database tutorial)', { ...spec, transformationSpec: [{ name: 'Copy' }, { name: 'Mapping' }] }]
  ])('%s', (_, body) => {
    expect(readFlowSpec(body, 'CRMToAEP')).toEqual({
      id: spec.id,
      sourceConnectionSpecIds: ['a', '26d738e0-8963-47ea-aadf-c60de735468a'],
      targetConnectionSpecIds: ['c604ff05-7f1a-43c0-8e18-33bf874cb11c'],
      transformationNames: ['Copy', 'Mapping']
    })
  })

  it('another name is not it', () => {
    expect(readFlowSpec({ items: [{ ...spec, name: 'CloudStorageToAEP' }] }, 'CRMToAEP')).toBeUndefined()
  })
})

describe('writes', () => {
  it('{id, etag} and the on-demand {items: [{id, etag}]}', () => {
    expect(readWritten({ id: 'f1', etag: '"e"' })).toEqual({ id: 'f1', etag: '"e"' })
    expect(readWritten({ items: [{ id: 'r1', etag: '"e"' }] })).toEqual({ id: 'r1', etag: '"e"' })
    expect(readWritten({ id: 'f1' })).toEqual({ id: 'f1', etag: '' })
  })

  it('mapping set versions as numbers or any plain string; without one the written set still has its id', () => {
    expect(readMappingWritten({ id: 'm1', version: 0 })).toEqual({ id: 'm1', version: '0' })
    expect(readMappingWritten({ id: 'm1', version: '3' })).toEqual({ id: 'm1', version: '3' })
    expect(readMappingWritten({ id: 'm1', version: '1.0' })).toEqual({ id: 'm1', version: '1.0' })
    expect(readMappingWritten({ id: 'm1', version: 1.5 })).toEqual({ id: 'm1', version: '1.5' })
    for (const version of [undefined, '', ' ', 'a/b', '1\n::warning::x', true, null, {}, Infinity]) {
      expect(readMappingWritten({ id: 'm1', version })).toEqual({ id: 'm1' })
    }
    expect(readMappingWritten({ version: 0 })).toBeUndefined()
    expect(readMappingSet({ id: 'm1', version: '1.0', mappings: [] })).toEqual({ id: 'm1', version: '1.0', rows: [] })
    expect(readMappingSet({ id: 'm1', version: 'a/b', mappings: [] })).toBeUndefined()
  })
})

describe('flows', () => {
  it('reads the update tutorial’s GET item', () => {
    const item = {
      id: '2edc08ac-4df5-4fe6-936f-81a19ce92f5c',
      name: 'Database Dataflow',
      flowSpec: { id: '14518937-270c-4525-bdec-c2ba7cce3860', version: '1.0' },
      state: 'enabled',
      etag: '"5400d99c-0000-0200-0000-60358d540000"',
      sourceConnectionIds: ['b7581b59-c603-4df1-a689-d23d7ac440f3'],
      targetConnectionIds: ['320f119a-5ac1-4ab1-88ea-eb19e674ea2e'],
      inheritedAttributes: { sourceConnections: [{ id: 'b7581b59-c603-4df1-a689-d23d7ac440f3', baseConnection: { id: '6990abad-977d-41b9-a85d-17ea8cf1c0e4' } }] },
      scheduleParams: { startTime: '1612310466', frequency: 'week', interval: '15', backfill: 'true' },
      transformations: [
        { name: 'Copy', params: { deltaColumn: { name: 'Datefield', dateFormat: 'YYYY-MM-DD', timezone: 'UTC' } } },
        { name: 'Mapping', params: { mappingId: '0b090130b58b4819afc78b6dc98b484d', mappingVersion: '0' } }
      ]
    }
    expect(readFlow({ items: [item] })).toBeUndefined() // a reader of items, not of answers
    expect(readFlow(singleItem({ items: [item] }))).toEqual({
      id: item.id,
      etag: item.etag,
      name: 'Database Dataflow',
      description: '',
      state: 'enabled',
      flowSpecId: '14518937-270c-4525-bdec-c2ba7cce3860',
      sourceConnectionIds: item.sourceConnectionIds,
      targetConnectionIds: item.targetConnectionIds,
      baseConnectionId: '6990abad-977d-41b9-a85d-17ea8cf1c0e4',
      scheduleParams: { startTime: '1612310466', frequency: 'week', interval: '15', backfill: 'true' },
      copyIndex: 0,
      deltaColumn: 'Datefield',
      mappingIndex: 1,
      mapping: { id: '0b090130b58b4819afc78b6dc98b484d', version: '0' }
    })
  })

  it('typed schedule values and a number mapping version read as the strings GET echoes', () => {
    const flow = readFlow({
      id: 'f1',
      scheduleParams: { startTime: 1612310466, frequency: 'minute', interval: 15, backfill: false, odd: { x: 1 } },
      transformations: [{ name: 'Mapping', params: { mappingId: 'm1', mappingVersion: 2 } }]
    })!
    expect(flow.scheduleParams).toEqual({ startTime: '1612310466', frequency: 'minute', interval: '15', backfill: 'false' })
    expect(flow).toMatchObject({ mappingIndex: 0, mapping: { id: 'm1', version: '2' } })
    expect(flow.copyIndex).toBeUndefined()
  })
})

describe('mapping sets', () => {
  it('rows from either vocabulary; the stored schema-path type is an attribute, aep-xl an expression', () => {
    const set = readMappingSet({
      id: 'm1',
      version: 1,
      outputSchema: { schemaRef: { id: 's1' } },
      mappings: [
        { sourceType: 'text/x.schema-path', source: 'id', destination: '_id', sourceAttribute: 'id', destinationXdmPath: '_id' },
        { sourceAttribute: 'name', destinationXdmPath: 'person.name.fullName' },
        { sourceType: 'EXPRESSION', source: 'upper(name)', destination: 'x' },
        { sourceType: 'text/x.aep-xl', source: "concat(first, ' ', last)", destination: 'y' },
        { sourceType: 'TEXT/X.AEP-XL', source: 'lower(name)', destination: 'z' },
        { source: 'no destination' }
      ]
    })
    expect(set).toEqual({
      id: 'm1',
      version: '1',
      schemaId: 's1',
      rows: [
        { source: 'id', destination: '_id', sourceType: 'ATTRIBUTE' },
        { source: 'name', destination: 'person.name.fullName', sourceType: 'ATTRIBUTE' },
        { source: 'upper(name)', destination: 'x', sourceType: 'EXPRESSION' },
        { source: "concat(first, ' ', last)", destination: 'y', sourceType: 'EXPRESSION' },
        { source: 'lower(name)', destination: 'z', sourceType: 'EXPRESSION' }
      ]
    })
    expect(readMappingSet({ id: 'm1', version: '0', xdmSchema: 's2', mappings: [] })).toEqual({ id: 'm1', version: '0', schemaId: 's2', rows: [] })
  })
})

describe('runs', () => {
  it.each([
    ['success', 'succeeded'],
    ['partialSuccess', 'succeeded'],
    ['failed', 'failed'],
    ['Failed', 'failed'],
    ['PARTIAL_FAILURE', 'failed'],
    ['inProgress', 'running'],
    ['scheduled', 'running'],
    ['', 'running']
  ] as const)('status %j is %s', (status, phase) => {
    expect(runPhase(status)).toBe(phase)
  })

  const run = (id: string, startedAtUTC: unknown, status = 'inProgress', flowId = 'f1') => ({
    id,
    flowId,
    metrics: {
      durationSummary: { startedAtUTC },
      recordSummary: { inputRecordCount: 100, outputRecordCount: 99, failedRecordCount: 1 },
      statusSummary: { status, errors: [{ code: 'CONNECTOR-1001-500', message: 'An error\noccurred.' }, 'junk'] }
    }
  })

  it('the record summary and the errors, one line each', () => {
    expect(readRun(run('r1', 5, 'failed'))).toEqual({
      id: 'r1',
      flowId: 'f1',
      status: 'failed',
      phase: 'failed',
      startedAt: 5,
      recordsRead: 100,
      recordsWritten: 99,
      recordsFailed: 1,
      errors: [{ code: 'CONNECTOR-1001-500', message: 'An error occurred.' }]
    })
    expect(readRun({ id: 'r1', metrics: { recordSummary: { inputRecordCount: -1, outputRecordCount: '9' } } })).toEqual({
      id: 'r1',
      flowId: '',
      status: '',
      phase: 'running',
      errors: []
    })
  })

  it('the first run is the earliest started of this flow', () => {
    const body = { items: [run('late', 20), run('none', undefined), run('other-flow', 1, 'success', 'f2'), run('early', 10)] }
    expect(firstRun(body, 'f1')!.id).toBe('early')
    expect(firstRun({ items: [run('none', undefined)] }, 'f1')!.id).toBe('none')
    expect(firstRun(body, 'f3')).toBeUndefined()
  })
})
