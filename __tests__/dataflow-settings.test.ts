import { type Files, isInside, readDataflowSettings } from '../src/dataflow/settings.js'

const NOW = Date.UTC(2030, 0, 31, 6)

const base: Record<string, string> = {
  'client-id': 'client',
  'client-secret': 'a-long-enough-client-secret-19',
  'ims-org-id': 'ORG@AdobeOrg',
  'connection-id': 'base1',
  table: 'shop.orders',
  'dataset-id': 'ds1',
  mapping: 'mappings',
  'delta-column': 'updated_at'
}

const files = (readText: Files['readText']): Files => ({ workspace: '/repo', readText })
const mappingFile = files(() => '[{"source": "id", "destination": "_id"}]')

function problemsOf(inputs: Record<string, string>, where: Files = mappingFile): string[] {
  const read = readDataflowSettings((name) => ({ ...base, ...inputs })[name] ?? '', { files: where, env: {}, nowMs: NOW })
  return read.problems.map((problem) => problem.message)
}

describe('readDataflowSettings', () => {
  it('takes the inputs as given', () => {
    expect(problemsOf({})).toEqual([])
  })

  it('a mapping path that is a directory is called one', () => {
    expect(
      problemsOf(
        {},
        files(() => 'directory')
      )
    ).toEqual(['Input "mapping" must be a file, but mappings is a directory: give the path of the mapping file in it, such as mappings/orders.json.'])
    expect(
      problemsOf(
        { mapping: 'mappings/' },
        files(() => 'directory')
      )[0]
    ).toMatch(/such as mappings\/orders\.json\.$/)
  })

  it('wait-for-run is refused with a delete as with a plan: neither makes a run to wait for', () => {
    expect(problemsOf({ operation: 'delete', 'wait-for-run': 'true' })).toEqual([
      'Input "wait-for-run" is true, but operation is delete: a deleted dataflow has no run to wait for; wait only when applying.'
    ])
    expect(problemsOf({ plan: 'true', 'wait-for-run': 'true' })).toEqual([expect.stringContaining('but plan is true')])
    expect(problemsOf({ operation: 'delete', 'wait-for-run': 'false' })).toEqual([])
  })

  it('a start-time in the past is read, not refused: whether it would be sent is known only after the reads', () => {
    const read = readDataflowSettings((name) => ({ ...base, 'start-time': '2020-01-01T00:00:00Z' })[name] ?? '', { files: mappingFile, env: {}, nowMs: NOW })
    expect(read.problems).toEqual([])
    expect(read.settings).toMatchObject({ schedule: { startTime: Date.UTC(2020, 0, 1) / 1000, startTimeGiven: true } })
  })
})

describe('isInside', () => {
  test.each([
    ['/repo', '/repo/mappings/orders.json', true],
    ['/repo', '/repo/..maps/orders.json', true],
    ['/repo', '/repo/..', false],
    ['/repo', '/mappings/orders.json', false],
    ['/repo', '/repo-other/orders.json', false]
  ])('%s holds %s: %s', (root, path, inside) => {
    expect(isInside(root, path)).toBe(inside)
  })
})

test('a mapping path inside the repository whose first folder starts with two dots is inside it', () => {
  expect(problemsOf({ mapping: '..maps/orders.json' })).toEqual([])
})
