// run() in-process, on a recording Io and a scripted network: the same plan the end-to-end
// suites drive through the bundle, seen from inside.

import type { RawResponse, Transport } from '../src/runner/step.js'
import { run } from '../src/run/main.js'
import { recordingIo } from './support/recording-io.js'
import { virtualClock } from './support/virtual-clock.js'

const PASSWORD = 'in-process-Pass;word-1'
const CLIENT_SECRET = 'in-process-client-secret-9'
const TOKEN = 'eyJin-process-access-token-0123456789'

const INPUTS: Record<string, string> = {
  'client-id': 'cid',
  'client-secret': CLIENT_SECRET,
  'ims-org-id': 'ORG@AdobeOrg',
  host: 'db.example.com',
  database: 'shop',
  username: 'etl',
  password: PASSWORD
}

const json = (status: number, body: unknown): RawResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

function scripted(answers: RawResponse[]): { openTransport: () => { transport: Transport; dispose: () => void }; sent: string[]; disposed: () => boolean } {
  const sent: string[] = []
  let disposed = false
  const transport: Transport = async (method, url) => {
    sent.push(`${method} ${new URL(url).pathname}`)
    const answer = answers.shift()
    if (!answer) throw Object.assign(new Error('no answer scripted'), { code: 'ECONNREFUSED' })
    return answer
  }
  return { openTransport: () => ({ transport, dispose: () => (disposed = true) }), sent, disposed: () => disposed }
}

/** The organisation's MySQL connection spec, which a plan reads: connection-string auth, as on Azure. */
const SPEC = json(200, {
  items: [{ authSpec: [{ name: 'Connection String Based Authentication', spec: { type: 'object', properties: { connectionString: { type: 'string' } } } }] }]
})

const clock = virtualClock({ start: 0, random: 0 })

test('an upsert that creates: outputs, summary, and no secret in any line', async () => {
  const recorded = recordingIo(INPUTS)
  const network = scripted([json(200, { access_token: TOKEN }), json(200, { items: [] }), json(201, { id: 'conn-1', etag: '"e1"' })])

  await run(recorded.io, { clock, openTransport: network.openTransport })

  expect(network.sent).toEqual(['POST /ims/token/v3', 'GET /data/foundation/flowservice/connections', 'POST /data/foundation/flowservice/connections'])
  expect(recorded.outputs).toEqual({ 'connection-id': 'conn-1', etag: '"e1"', outcome: 'created' })
  expect(recorded.lines.filter((line) => line.startsWith('error:'))).toEqual([])
  expect(recorded.summary.join('')).toContain('| Connection id | conn-1 |')
  expect(recorded.masked).toEqual(expect.arrayContaining([PASSWORD, CLIENT_SECRET, TOKEN]))
  for (const line of [...recorded.lines, ...recorded.summary]) for (const secret of [PASSWORD, CLIENT_SECRET, TOKEN]) expect(line).not.toContain(secret)
  expect(network.disposed()).toBe(true)
})

test('bad inputs: one error line each, and nothing is sent', async () => {
  const recorded = recordingIo({ ...INPUTS, 'client-id': '', 'max-attempts': '0' })
  const network = scripted([])

  await run(recorded.io, { clock, openTransport: network.openTransport })

  expect(recorded.lines.filter((line) => line.startsWith('error:'))).toEqual([
    expect.stringContaining('Input "client-id" is required'),
    expect.stringContaining('Input "max-attempts" must be a whole number from 1 to 10')
  ])
  expect(network.sent).toEqual([])
})

test('an unexpected error is one sentence, with its stack at debug level', async () => {
  const recorded = recordingIo(INPUTS, (name) => {
    if (name === 'connection-id') throw new Error('the output file is gone')
  })
  const network = scripted([json(200, { access_token: TOKEN }), json(200, { items: [] }), json(201, { id: 'conn-1', etag: '"e1"' })])

  await run(recorded.io, { clock, openTransport: network.openTransport })

  expect(recorded.lines.filter((line) => line.startsWith('error:'))).toEqual([
    "error: The action failed unexpectedly (the output file is gone). Please report this with the step's log."
  ])
  // Line by line, as every log call is one line: a stack's own line breaks are not escaped into one.
  const stack = recorded.lines.indexOf('debug: Error: the output file is gone')
  expect(stack).toBeGreaterThanOrEqual(0)
  expect(recorded.lines[stack + 1]).toMatch(/^debug: \s+at /)
  expect(network.disposed()).toBe(true)
})

test('plan: reads only, and the outputs, log and summary tell the same plan', async () => {
  const recorded = recordingIo({ ...INPUTS, plan: 'true', 'if-exists': 'update' })
  const existing = { id: 'conn-9', name: 'MySQL shop on db.example.com', etag: '"e9"', connectionSpec: { id: '26d738e0-8963-47ea-aadf-c60de735468a' } }
  const shown = {
    ...existing,
    description: 'old',
    auth: { specName: 'Connection String Based Authentication', params: { connectionString: 'Server=old-db;Port=3306;Database=shop;Uid=etl;Pwd=****;' } }
  }
  const network = scripted([json(200, { access_token: TOKEN }), SPEC, json(200, { items: [existing] }), json(200, { items: [shown] })])

  await run(recorded.io, { clock, openTransport: network.openTransport })

  expect(network.sent).toEqual([
    'POST /ims/token/v3',
    'GET /data/foundation/flowservice/connectionSpecs/26d738e0-8963-47ea-aadf-c60de735468a',
    'GET /data/foundation/flowservice/connections',
    'GET /data/foundation/flowservice/connections/conn-9'
  ])
  expect(recorded.outputs).toMatchObject({ plan: 'update', 'has-changes': 'true', 'connection-id': 'conn-9', outcome: 'planned' })
  expect(JSON.parse(recorded.outputs.changes ?? '').changes).toContainEqual({ field: 'host', from: 'old-db', to: 'db.example.com' })
  expect(recorded.lines).toContain('  ~ host: "old-db" -> "db.example.com"')
  expect(recorded.summary).toEqual([recorded.outputs['plan-markdown']])
  expect(network.disposed()).toBe(true)
})

test('server text with line breaks of every kind: each log line stays one line', async () => {
  const recorded = recordingIo({ ...INPUTS, plan: 'true', 'if-exists': 'update' })
  const existing = { id: 'conn-9', name: 'MySQL shop on db.example.com', etag: '"e9"', connectionSpec: { id: '26d738e0-8963-47ea-aadf-c60de735468a' } }
  const description = 'old\r\n::warning::a\u0085::warning::b\u2028::warning::c\u2029::stop-commands::d\u001b[2K'
  const shown = { ...existing, description, auth: { specName: 'Connection String Based Authentication', params: {} } }
  const network = scripted([json(200, { access_token: TOKEN }), SPEC, json(200, { items: [existing] }), json(200, { items: [shown] })])

  await run(recorded.io, { clock, openTransport: network.openTransport })

  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  expect(recorded.lines.filter((line) => /[\r\n\u0085\u2028\u2029\u001b]/.test(line))).toEqual([])
  expect(recorded.lines).toContainEqual(expect.stringContaining('"old\\r\\n::warning::a\\u0085::warning::b\\u2028::warning::c\\u2029::stop-commands::d\\u001b[2K"'))
})
