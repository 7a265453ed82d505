// Issue 16, classes 5 and 6: answers that are odd but successful, and names Platform may normalise.
// Each must end in the connection it means, never in another create.

import { run } from '../src/run/main.js'
import { MYSQL_SPEC, json, recordingIo, scripted, stillClock } from './support/scripted.js'

const TOKEN = 'eyJodd-answers-access-token-0123456789'
const INPUTS = {
  'client-id': 'cid',
  'client-secret': 'odd-answers-client-secret',
  'ims-org-id': 'ORG@AdobeOrg',
  host: 'db.example.com',
  database: 'shop',
  username: 'etl',
  password: 'Odd-answers-pass-16'
}
const NAME = 'MySQL shop on db.example.com'
const CONNECTIONS = '/data/foundation/flowservice/connections'
const ims = () => json(200, { access_token: TOKEN })
const listed = (id: unknown, name = NAME) => ({ id, name, etag: '"e1"', description: '', connectionSpec: MYSQL_SPEC })
const page = (items: unknown[], next?: string) => json(200, { items, _links: next ? { next: { href: next } } : {} })

async function runWith(inputs: Record<string, string>, answers: Parameters<typeof scripted>[0]) {
  const recorded = recordingIo({ ...INPUTS, ...inputs })
  const network = scripted(answers)
  await run(recorded.io, { clock: stillClock, openTransport: network.openTransport })
  const errors = recorded.lines.filter((line) => line.startsWith('error:'))
  return { ...recorded, ...network, errors }
}

describe('5 odd but successful answers', () => {
  test.each([
    ['202 Accepted with the id', json(202, { id: 'conn-202', etag: '"e1"' }), 'conn-202'],
    ['201 with text/plain but a JSON body', json(201, { id: 'conn-text', etag: '"e1"' }, 'text/plain'), 'conn-text'],
    ['201 with a numeric id', json(201, { id: 12345, etag: '"e1"' }), '12345']
  ])('a create answered %s is a success', async (_, answer, id) => {
    const result = await runWith({}, [ims(), page([]), answer])

    expect(result.errors).toEqual([])
    expect(result.outputs).toMatchObject({ 'connection-id': id, outcome: 'created' })
    expect(result.sent.filter((call) => call === `POST ${CONNECTIONS}`)).toHaveLength(1)
  })

  test('a lookup listing a numeric id finds the connection: updated, not created again', async () => {
    const result = await runWith({}, [ims(), page([listed(12345)]), json(200, { id: 12345, etag: '"e2"' })])

    expect(result.errors).toEqual([])
    expect(result.outputs).toMatchObject({ 'connection-id': '12345', outcome: 'updated' })
    expect(result.sent).toEqual(['POST /ims/token/v3', `GET ${CONNECTIONS}`, `PATCH ${CONNECTIONS}/12345`])
  })

  test('a connection listed on two pages is one connection, not two namesakes', async () => {
    const result = await runWith({ 'if-exists': 'reuse' }, [ims(), page([listed('conn-1')], '/connections?start=1'), page([listed('conn-1')])])

    expect(result.errors).toEqual([])
    expect(result.outputs).toMatchObject({ 'connection-id': 'conn-1', outcome: 'reused' })
  })

  test('a listing that shrinks while paging (offset pages, a connection deleted meanwhile) is read again, not taken as "absent"', async () => {
    // The name holds filter syntax, so the lookup pages through every MySQL connection. Between
    // pages 1 and 2, "Other 2" is deleted: the namesake moves from offset 2 to 1 and page 2 skips it.
    const name = 'Orders, eu'
    const result = await runWith({ name, 'if-exists': 'reuse' }, [
      ims(),
      page([listed('other-1', 'Other 1'), listed('other-2', 'Other 2')], '/connections?start=2'),
      page([listed('other-3', 'Other 3')]),
      page([listed('other-1', 'Other 1'), listed('conn-ours', name)], '/connections?start=2'),
      page([listed('other-3', 'Other 3')])
    ])

    expect(result.errors).toEqual([])
    expect(result.outputs).toMatchObject({ 'connection-id': 'conn-ours', outcome: 'reused' })
    expect(result.sent).not.toContain(`POST ${CONNECTIONS}`)
  })

  test('a paged listing that holds still, without the name: one create after two readings agree', async () => {
    const name = 'Orders, eu'
    const others = () => [page([listed('other-1', 'Other 1'), listed('other-2', 'Other 2')], '/connections?start=2'), page([listed('other-3', 'Other 3')])]
    const result = await runWith({ name }, [ims(), ...others(), ...others(), json(201, { id: 'conn-new', etag: '"e1"' })])

    expect(result.errors).toEqual([])
    expect(result.outputs).toMatchObject({ 'connection-id': 'conn-new', outcome: 'created' })
    expect(result.sent.filter((call) => call === `GET ${CONNECTIONS}`)).toHaveLength(4)
  })
})

describe('6 names Platform normalises', () => {
  const nfc = 'Café orders'
  const nfd = nfc.normalize('NFD')

  test.each([
    ['an NFD name in the input, stored NFC', nfd, nfc],
    ['an NFC name in the input, stored NFD', nfc, nfd]
  ])('%s: the same connection, reused', async (_, input, stored) => {
    const result = await runWith({ name: input, 'if-exists': 'reuse' }, [ims(), page([listed('conn-cafe', stored)])])

    expect(result.errors).toEqual([])
    expect(result.outputs).toMatchObject({ 'connection-id': 'conn-cafe', outcome: 'reused' })
  })

  test('a name Unicode composes is not put into the server filter: a server comparing bytes would miss its other spelling', async () => {
    const result = await runWith({ name: nfd, 'if-exists': 'reuse' }, [ims(), page([listed('conn-cafe', nfc)])])

    const filters = result.urls[1]!.searchParams.getAll('property')
    expect(filters).toEqual([`connectionSpec.id==${MYSQL_SPEC.id}`])
  })
})
