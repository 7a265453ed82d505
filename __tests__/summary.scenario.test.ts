// The job summary, as the runner collects it: written for every run (applied, dry-run, failed,
// and the post step's cleanup), under a heading that names the connection.

import { runAction } from './support/in-process.js'
import { DATABASE, platformInputs } from '../testing/scenario.mjs'
import { suitePlatform } from './support/suite-platform.js'

const PASSWORD = 'Summary-pass;word-7'
const CLIENT_SECRET = 'summary-client-secret-2b'

const platform = suitePlatform({ clientSecret: CLIENT_SECRET })

const database = { ...DATABASE, password: PASSWORD }
const inputs = (overrides: Record<string, string>) => platformInputs(platform, CLIENT_SECRET, overrides)
const run = (overrides: Record<string, string>, state?: Record<string, string>) => runAction(inputs(overrides), { secrets: [platform.accessToken], ...(state ? { state } : {}) })

/** The summary's heading lines. */
const headings = (summary: string) => summary.split('\n').filter((line) => line.startsWith('### '))

test('two uses in one job are told apart by the connection each heading names', async () => {
  const orders = await run({ ...database, name: 'Orders DB' })
  const events = await run({ ...database, name: 'Events DB' })

  expect(headings(orders.summary)).toEqual(['### MySQL source connection "Orders DB"'])
  expect(headings(events.summary)).toEqual(['### MySQL source connection "Events DB"'])
  expect(orders.summary).toContain(`| Connection id | ${orders.outputs['connection-id']} |`)
  expect(orders.summary).toContain('| Outcome | created |')
})

test('a dry run writes a summary too', async () => {
  const result = await run({ ...database, 'dry-run': 'true' })

  expect(platform.requests).toEqual([])
  expect(headings(result.summary)).toEqual(['### MySQL source connection "MySQL shop on db.example.com"'])
  expect(result.summary).toContain('| Outcome | dry-run |')
  expect(result.summary).toContain('| Requests | listed in the step log; nothing was sent |')
})

test('a failure writes what failed, in one line', async () => {
  platform.inject({ method: 'POST', path: '/data/foundation/flowservice/connections', status: 403, body: { error_code: '403027', message: 'User is not authorized' } })

  const result = await run({ ...database, name: 'Orders DB' })

  expect(result.code).toBe(1)
  expect(headings(result.summary)).toEqual(['### MySQL source connection "Orders DB"'])
  expect(result.summary).toContain('| Outcome | failed |')
  const errorRows = result.summary.split('\n').filter((line) => line.startsWith('| Error |'))
  expect(errorRows).toEqual([`| Error | ${result.errors[0]} |`])
  expect(errorRows[0]).toMatch(/^\| Error \| Creating the connection failed: HTTP 403, 403027/)
})

test('a verify that fails after a create: the summary keeps the connection it made, and says why verify failed', async () => {
  platform.inject({ method: 'GET', path: /\/explore$/, status: 400, body: { type: 'https://ns.adobe.com/aep/errors/FLOW-1302-400', title: 'Login failed', status: 400 } })

  const result = await run({ ...database, name: 'Orders DB', verify: 'true' })

  expect(result.code).toBe(1)
  expect(result.outputs).toMatchObject({ outcome: 'created', 'connection-id': expect.any(String) })
  expect(result.summary).toContain(`| Connection id | ${result.outputs['connection-id']} |`)
  expect(result.summary).toContain('| Outcome | created |')
  expect(result.summary.split('\n').filter((line) => line.startsWith('| Verify |'))).toEqual([`| Verify | failed: ${result.errors[0]} |`])
})

test('bad inputs: the summary names them, in one line', async () => {
  const result = await run({ ...database, port: '0', 'max-attempts': '99' })

  expect(result.code).toBe(1)
  expect(headings(result.summary)).toEqual(['### MySQL source connection'])
  const errorRows = result.summary.split('\n').filter((line) => line.startsWith('| Error |'))
  expect(errorRows).toHaveLength(1)
  expect(errorRows[0]).toContain('Input "port"')
  expect(errorRows[0]).toContain('Input "max-attempts"')
})

test('a delete by id shows the id, not a default name that was never looked up', async () => {
  const existing = platform.addConnection({ name: 'Orders DB' })

  const result = await run({ ...database, operation: 'delete', 'connection-id': existing.id })

  expect(result.outputs.outcome).toBe('deleted')
  expect(headings(result.summary)).toEqual([`### MySQL source connection ${existing.id}`])
  expect(result.summary).not.toContain('MySQL shop on db.example.com')
})

describe('the post step adds its cleanup result', () => {
  const step = { ...database, name: 'Ingest test 7', cleanup: 'true' }

  test('deleted', async () => {
    const main = await run(step)
    const id = main.outputs['connection-id'] ?? ''

    const post = await run(step, main.state)

    expect(headings(post.summary)).toEqual(['### Cleanup of MySQL source connection "Ingest test 7"'])
    expect(post.summary).toContain(`| Connection id | ${id} |`)
    expect(post.summary).toContain('| Cleanup | deleted |')
  })

  test('already gone', async () => {
    const main = await run(step)
    platform.connections.clear()

    const post = await run(step, main.state)

    expect(post.summary).toContain('| Cleanup | already gone |')
  })

  test('failed: the warning, in one line', async () => {
    const main = await run({ ...step, 'max-attempts': '1' })
    platform.inject({ method: 'DELETE', status: 503 })

    const post = await run({ ...step, 'max-attempts': '1' }, main.state)

    expect(post.code).toBe(0)
    expect(post.summary).toContain(`| Cleanup | ${post.warnings[0]} |`)
    expect(post.warnings[0]).toMatch(/^Cleanup could not delete connection .*HTTP 503.* Delete it in Platform by hand\.$/)
  })
})
