import { readConnectionSpecId } from '../src/dataflow/answers.js'
import { type Found, readinessProblems } from '../src/dataflow/checks.js'
import { CRM_FLOW_SPEC_ID, DATA_LAKE_SPEC_ID } from '../src/dataflow/requests.js'
import { MYSQL_SPEC_ID } from '../src/platform/requests.js'

const column = (name: string) => ({ name, raw: { name, type: 'string' } })

const found = (overrides: Partial<Found> = {}): Found => ({
  sandboxName: 'dev',
  connectionId: 'b1',
  baseConnectionSpecId: MYSQL_SPEC_ID,
  table: 'shop.orders',
  columns: ['id', 'name', 'updated_at'].map(column),
  tables: undefined,
  mappingPath: 'mappings/orders.json',
  rows: [
    { source: 'id', destination: '_id', sourceType: 'ATTRIBUTE' },
    { source: 'upper(name)', destination: 'person.name.fullName', sourceType: 'EXPRESSION' }
  ],
  deltaColumn: 'updated_at',
  datasetId: 'ds1',
  dataset: { id: 'ds1', name: 'Orders', schemaId: 'https://ns.adobe.com/t/schemas/orders' },
  flowSpec: { id: CRM_FLOW_SPEC_ID, sourceConnectionSpecIds: ['x', MYSQL_SPEC_ID], targetConnectionSpecIds: [DATA_LAKE_SPEC_ID], transformationNames: ['Copy', 'Mapping'] },
  ...overrides
})

describe('readinessProblems', () => {
  it('none when everything is there', () => {
    expect(readinessProblems(found())).toEqual([])
    expect(readinessProblems(found({ deltaColumn: undefined }))).toEqual([])
  })

  it('the base connection: absent, or not MySQL; its table is then not judged', () => {
    expect(readinessProblems(found({ baseConnectionSpecId: undefined, columns: undefined }))).toEqual([
      "connection-id b1: no such connection in sandbox dev; check connection-id (the connection action's connection-id output) and sandbox-name."
    ])
    expect(readinessProblems(found({ baseConnectionSpecId: '3000eb99-cd47-43f3-827c-43caf170f015' }))).toEqual([
      'connection-id b1 is not a MySQL connection (its connection spec is 3000eb99-cd47-43f3-827c-43caf170f015); give the id of a MySQL base connection.'
    ])
    expect(readinessProblems(found({ baseConnectionSpecId: '' }))[0]).toMatch(/it shows no connection spec/)
  })

  it('a missing table names the closest tables explore lists', () => {
    expect(readinessProblems(found({ columns: undefined, tables: ['shop.order', 'shop.orders_2024', 'crm.accounts', 'shop.items'] }))).toEqual([
      "table shop.orders is not a table connection b1 lists; the closest it lists: shop.order, shop.items, shop.orders_2024. Give the path exactly as explore lists it (the connection action's tables output)."
    ])
    expect(readinessProblems(found({ columns: [], tables: [] }))[0]).toMatch(/lists; it lists no tables\. Give/)
    expect(readinessProblems(found({ columns: undefined, tables: undefined }))[0]).toMatch(/^table shop.orders is not a table connection b1 lists\. Give/)
  })

  it('mapping sources and the delta column must be columns; expressions are not checked', () => {
    const rows = [
      { source: 'id', destination: '_id', sourceType: 'ATTRIBUTE' as const },
      { source: 'nmae', destination: 'a', sourceType: 'ATTRIBUTE' as const },
      { source: 'email', destination: 'b', sourceType: 'ATTRIBUTE' as const },
      { source: 'upper(x)', destination: 'c', sourceType: 'EXPRESSION' as const }
    ]
    expect(readinessProblems(found({ rows, deltaColumn: 'modified' }))).toEqual([
      'The mapping file mappings/orders.json has sources that are not columns of table shop.orders (nmae, email); its columns are id, name, updated_at.',
      'delta-column modified is not a column of table shop.orders; its columns are id, name, updated_at.'
    ])
    expect(readinessProblems(found({ rows: rows.slice(1, 2) }))[0]).toMatch(/has a source that is not a column of table shop.orders \(nmae\)/)
  })

  it('a long column list is cut', () => {
    const columns = Array.from({ length: 45 }, (_, i) => column(`c${i}`))
    const [problem] = readinessProblems(found({ columns, deltaColumn: 'nope', rows: [] }))
    expect(problem).toMatch(/c19 and 25 more\.$/)
  })

  it('the dataset: absent, or without a schema', () => {
    expect(readinessProblems(found({ dataset: undefined }))).toEqual(['dataset-id ds1: no such dataset in sandbox dev; check dataset-id and sandbox-name.'])
    expect(readinessProblems(found({ dataset: { id: 'ds1', name: 'Raw' } }))).toEqual([
      "dataset-id ds1 (Raw) has no XDM schema; give a dataset made from a schema, which the mapping's destinations belong to."
    ])
  })

  it('the flow spec: absent, or not taking MySQL into the data lake', () => {
    expect(readinessProblems(found({ flowSpec: undefined }))[0]).toMatch(/^Platform lists no CRMToAEP flow spec/)
    const spec = { id: CRM_FLOW_SPEC_ID, sourceConnectionSpecIds: [], targetConnectionSpecIds: [], transformationNames: [] }
    expect(readinessProblems(found({ flowSpec: spec }))).toEqual([
      `The CRMToAEP flow spec does not list MySQL sources (${MYSQL_SPEC_ID}) or the data lake target (${DATA_LAKE_SPEC_ID}); check platform-url, and that the organisation has Experience Platform Sources.`
    ])
  })

  it('every problem at once, in input order', () => {
    const problems = readinessProblems(found({ columns: undefined, dataset: undefined, flowSpec: undefined }))
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['table', 'dataset-id', 'Platform'])
  })
})

describe('readConnectionSpecId', () => {
  it('from the items answer or a bare item; only a plain id', () => {
    expect(readConnectionSpecId({ items: [{ id: 'b1', connectionSpec: { id: MYSQL_SPEC_ID } }] })).toBe(MYSQL_SPEC_ID)
    expect(readConnectionSpecId({ id: 'b1', connectionSpec: { id: MYSQL_SPEC_ID } })).toBe(MYSQL_SPEC_ID)
    expect(readConnectionSpecId({ items: [{ id: 'b1', connectionSpec: { id: 'a b' } }] })).toBeUndefined()
    expect(readConnectionSpecId({ items: [{ id: 'b1' }] })).toBeUndefined()
  })
})
