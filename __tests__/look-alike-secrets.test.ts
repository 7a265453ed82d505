// Issue 16, class 4: a secret's look-alike (the secret cut at its end) is hidden in the logs, but
// never costs the run its own values: the connection name, the id, the outcome, the cleanup state.

import { run } from '../src/run/main.js'
import { MYSQL_SPEC, json, recordingIo, scripted, stillClock } from './support/scripted.js'

const CLIENT_SECRET = 'look-alike-client-secret-16'
const TOKEN = 'eyJlook-alike-access-token-0123456789'
const BASE = { 'client-id': 'cid', 'client-secret': CLIENT_SECRET, 'ims-org-id': 'ORG@AdobeOrg', host: 'db.example.com', username: 'etl', cleanup: 'true' }

const created = () => json(201, { id: 'conn-1', etag: '"e1"' })

test('password "warehouse1" and database "warehouse": the default name is shown, output and saved for cleanup, with a warning', async () => {
  const recorded = recordingIo({ ...BASE, database: 'warehouse', password: 'warehouse1' })
  const network = scripted([json(200, { access_token: TOKEN }), json(200, { items: [] }), created()])

  await run(recorded.io, { clock: stillClock, openTransport: network.openTransport })

  expect(recorded.outputs).toEqual({ 'connection-id': 'conn-1', etag: '"e1"', outcome: 'created' })
  expect(recorded.state).toMatchObject({ 'cleanup-name': 'MySQL warehouse on db.example.com', 'cleanup-connection-id': 'conn-1' })
  expect(recorded.state['cleanup-run-token']).toMatch(/^\[run-token [0-9a-f-]{36}\]$/)
  expect(recorded.lines).toContain('Looking for a MySQL connection named "MySQL warehouse on db.example.com" in sandbox "prod".')
  expect(recorded.lines.filter((line) => line.startsWith('warning:'))).toEqual([expect.stringMatching(/^warning: The password .*\bdatabase input\b/)])
  expect(recorded.lines.filter((line) => line.startsWith('error:'))).toEqual([])
  for (const text of [...recorded.lines, ...recorded.summary, ...Object.values(recorded.outputs)]) expect(text).not.toContain('warehouse1')
})

test('a server echoing the password cut by one character: still hidden in the log', async () => {
  const recorded = recordingIo({ ...BASE, database: 'shop', password: 'Look-alike-pass-16' })
  const refusal = json(400, { title: 'Bad request', detail: 'password Look-alike-pass-1 refused' })
  const network = scripted([json(200, { access_token: TOKEN }), json(200, { items: [] }), refusal])

  await run(recorded.io, { clock: stillClock, openTransport: network.openTransport })

  expect(recorded.lines.filter((line) => line.startsWith('error:'))).toEqual([expect.stringContaining('password *** refused')])
  for (const line of recorded.lines) expect(line).not.toContain('Look-alike-pass-1')
})

test('a 1-character IMS token: the outputs and the cleanup state are kept', async () => {
  const recorded = recordingIo({ ...BASE, database: 'shop', password: 'Look-alike-pass-16' })
  const network = scripted([json(200, { access_token: 'c' }), json(200, { items: [] }), created()])

  await run(recorded.io, { clock: stillClock, openTransport: network.openTransport })

  expect(recorded.outputs).toEqual({ 'connection-id': 'conn-1', etag: '"e1"', outcome: 'created' })
  expect(recorded.state).toMatchObject({ 'cleanup-name': 'MySQL shop on db.example.com', 'cleanup-connection-id': 'conn-1' })
  expect(recorded.lines.filter((line) => line.startsWith('error:'))).toEqual([])
})

test('an id holding the whole password: left out of the outputs and the state, with a warning', async () => {
  const password = 'Look-alike-pass-16'
  const recorded = recordingIo({ ...BASE, database: 'shop', password })
  const network = scripted([json(200, { access_token: TOKEN }), json(200, { items: [] }), json(201, { id: `conn-${password}`, etag: '"e1"' })])

  await run(recorded.io, { clock: stillClock, openTransport: network.openTransport })

  expect(recorded.outputs).toEqual({ etag: '"e1"', outcome: 'created' })
  // Every key is saved, empty when unused (the post step trusts only what main saved).
  expect(recorded.state['cleanup-connection-id'] ?? '').toBe('')
  expect(recorded.lines).toContainEqual(expect.stringMatching(/^warning: The connection-id value holds a masked secret/))
  for (const text of [...recorded.lines, ...recorded.summary, ...Object.values(recorded.state)]) expect(text).not.toContain(password)
})

test('a namesake whose id is a look-alike of the password is reused, and its id is output', async () => {
  const recorded = recordingIo({ ...BASE, database: 'shop', password: 'conn-123456', 'if-exists': 'reuse' })
  const item = { id: 'conn-12345', name: 'MySQL shop on db.example.com', etag: '"e1"', connectionSpec: MYSQL_SPEC }
  const network = scripted([json(200, { access_token: TOKEN }), json(200, { items: [item] })])

  await run(recorded.io, { clock: stillClock, openTransport: network.openTransport })

  expect(recorded.outputs).toEqual({ 'connection-id': 'conn-12345', etag: '"e1"', outcome: 'reused' })
})
