// Checks the local IMS + Flow Service stand-in that the end-to-end tests and benchmarks run against.
import { MYSQL_SPEC_ID, flowErrorBody, mysqlAuthSpecs, startFakePlatform, type FakePlatform, type FakePlatformOptions } from '../testing/fake-platform.mjs'

const BASE = '/data/foundation/flowservice'
// The password contains ';' on purpose: masking must not leak the part after it.
const CONNECTION_STRING = 'Server=db.example.com;Port=3306;Database=shop;Uid=etl;Pwd=s3cr;et!;'

interface FlowError {
  type: string
  status: number
  report: { 'detailed-message': string; 'request-id': string }
}

let fp: FakePlatform

beforeAll(async () => {
  fp = await startFakePlatform({ pageSize: 2, sandboxes: ['prod', 'dev'] })
})
afterAll(() => fp.close())
beforeEach(() => fp.reset())

function platformHeaders(extra: Record<string, string> = {}, server = fp): Record<string, string> {
  return {
    authorization: `Bearer ${server.accessToken}`,
    'x-api-key': 'test-client-id',
    'x-gw-ims-org-id': 'TESTORG@AdobeOrg',
    'x-sandbox-name': 'prod',
    ...extra
  }
}

/** A Flow Service call with valid headers; `body` is sent as JSON. `server`: another instance than fp. */
function api(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}, server = fp) {
  const { method = 'GET', body, headers = {} } = init
  const contentType: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' }
  return fetch(`${server.url}${BASE}${path}`, {
    method,
    headers: platformHeaders({ ...contentType, ...headers }, server),
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

function createBody(name: string, connectionString = CONNECTION_STRING) {
  return {
    name,
    auth: { specName: 'Connection String Based Authentication', params: { connectionString } },
    connectionSpec: { id: MYSQL_SPEC_ID, version: '1.0' }
  }
}

async function create(name: string): Promise<{ id: string; etag: string }> {
  const response = await api('/connections', { method: 'POST', body: createBody(name) })
  expect(response.status).toBe(201)
  return (await response.json()) as { id: string; etag: string }
}

async function flowErrorOf(response: Response): Promise<FlowError> {
  return (await response.json()) as FlowError
}

function imsToken(form: Record<string, string>) {
  return fetch(`${fp.url}/ims/token/v3`, { method: 'POST', body: new URLSearchParams(form) })
}

describe('IMS', () => {
  it('hands out the access token for the right client credentials', async () => {
    const response = await imsToken({
      grant_type: 'client_credentials',
      client_id: 'test-client-id',
      client_secret: 'test-client-secret',
      scope: 'openid,AdobeID'
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ access_token: fp.accessToken, token_type: 'bearer', expires_in: 86399 })
  })

  it('refuses a wrong secret and a non-form body', async () => {
    const wrong = await imsToken({ grant_type: 'client_credentials', client_id: 'test-client-id', client_secret: 'nope' })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' })
    const json = await fetch(`${fp.url}/ims/token/v3`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}'
    })
    expect(json.status).toBe(400)
    expect(await json.json()).toMatchObject({ error: 'invalid_request' })
  })
})

describe('gateway and headers', () => {
  it('checks the token, org and sandbox', async () => {
    const noToken = await fetch(`${fp.url}${BASE}/connections`, { headers: { 'x-api-key': 'test-client-id' } })
    expect(noToken.status).toBe(401)
    expect(await noToken.json()).toEqual({ error_code: '401013', message: 'Oauth token is not valid' })
    expect((await api('/connections', { headers: { 'x-gw-ims-org-id': 'OTHER@AdobeOrg' } })).status).toBe(403)
    const sandbox = await api('/connections', { headers: { 'x-sandbox-name': 'nope' } })
    expect(sandbox.status).toBe(404)
    expect((await flowErrorOf(sandbox)).type).toBe('https://ns.adobe.com/aep/errors/FLOW-2100-404')
  })
})

describe('POST /connections', () => {
  it('creates a connection and keeps the full credentials', async () => {
    const response = await api('/connections', { method: 'POST', body: createBody('orders-db') })
    expect(response.status).toBe(201)
    const { id, etag } = (await response.json()) as { id: string; etag: string }
    expect(response.headers.get('location')).toBe(`${BASE}/connections/${id}`)
    expect(etag).toMatch(/^".+"$/)
    expect(fp.connections.get(id)?.auth.params['connectionString']).toBe(CONNECTION_STRING)
  })

  it('refuses bodies that break the spec or the MySQL auth spec, and records them', async () => {
    // Adobe's tutorial template: no final ';', so it fails the auth spec's own pattern.
    const template = await api('/connections', {
      method: 'POST',
      body: createBody('x', 'Server=h;Port=3306;Database=d;UID=u;PWD=p')
    })
    expect(template.status).toBe(400)
    expect((await flowErrorOf(template)).type).toBe('https://ns.adobe.com/aep/errors/FLOW-1302-400')
    const { connectionSpec, ...noSpec } = createBody('x')
    expect(connectionSpec).toBeDefined()
    expect((await api('/connections', { method: 'POST', body: noSpec })).status).toBe(400)
    expect(fp.invalidBodies).toHaveLength(2)
    expect(fp.connections.size).toBe(0)
    const textBody = await api('/connections', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: createBody('x') })
    expect(textBody.status).toBe(415)
  })
})

describe('GET /connections', () => {
  it('filters with property and pages through _links.next', async () => {
    fp.seed(10, (i) => ({ name: i % 2 === 0 ? 'target' : 'other' }))
    fp.addConnection({ name: 'target', sandboxName: 'dev' })
    const names: string[] = []
    let path: string | undefined = `/connections?property=name==target&property=connectionSpec.id==${MYSQL_SPEC_ID}`
    let pages = 0
    while (path !== undefined) {
      const page = (await (await api(path)).json()) as { items: { name: string }[]; _links: { next?: { href: string } } }
      names.push(...page.items.map((item) => item.name))
      path = page._links.next?.href
      pages++
    }
    expect(names).toEqual(Array(5).fill('target'))
    expect(pages).toBe(3) // pageSize 2
    const limitAndCount = await api('/connections?limit=1&count=true')
    expect((await flowErrorOf(limitAndCount)).type).toBe('https://ns.adobe.com/aep/errors/FLOW-1401-400')
  })

  it('answers a filtered list quickly among 10,000 connections', async () => {
    const started = performance.now()
    fp.seed(10_000, (i) => ({ name: `conn-${i}` }))
    const response = await api('/connections?property=name==conn-9999')
    const { items } = (await response.json()) as { items: { name: string }[] }
    expect(items.map((item) => item.name)).toEqual(['conn-9999'])
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('GET /connections/{id}', () => {
  it('hides secrets and 404s on unknown ids', async () => {
    const { id } = await create('orders-db')
    const text = await (await api(`/connections/${id}`)).text()
    expect(text).toContain('Server=db.example.com')
    expect(text).not.toContain('s3cr')
    expect(text).not.toContain('et!')
    const missing = await api('/connections/00000000-0000-0000-0000-000000000000')
    expect((await flowErrorOf(missing)).type).toBe('https://ns.adobe.com/aep/errors/FLOW-1101-404')
  })
})

describe('PATCH /connections/{id}', () => {
  const newString = 'Server=db2.example.com;Port=3306;Database=shop;Uid=etl;Pwd=new;'
  const ops = [
    { op: 'replace', path: '/auth/params', value: { connectionString: newString } },
    { op: 'replace', path: '/description', value: 'rotated' }
  ]

  it('needs the current etag in If-Match, then applies the ops', async () => {
    const { id, etag } = await create('orders-db')
    const missing = await api(`/connections/${id}`, { method: 'PATCH', body: ops })
    expect((await flowErrorOf(missing)).type).toBe('https://ns.adobe.com/aep/errors/FLOW-1403-400')
    const stale = await api(`/connections/${id}`, { method: 'PATCH', body: ops, headers: { 'if-match': '"stale"' } })
    expect(stale.status).toBe(412)
    const ok = await api(`/connections/${id}`, { method: 'PATCH', body: ops, headers: { 'if-match': etag } })
    expect(ok.status).toBe(200)
    const updated = (await ok.json()) as { id: string; etag: string }
    expect(updated.etag).not.toBe(etag)
    expect(fp.connections.get(id)).toMatchObject({ etag: updated.etag, description: 'rotated', auth: { params: { connectionString: newString } } })
  })

  it('refuses ops the spec does not allow', async () => {
    const { id, etag } = await create('orders-db')
    const badOp = await api(`/connections/${id}`, {
      method: 'PATCH',
      body: [{ op: 'replace', path: '/auth/params', value: 'not-an-object' }],
      headers: { 'if-match': etag }
    })
    expect(badOp.status).toBe(400)
    expect(fp.invalidBodies).toHaveLength(1)
  })
})

describe('DELETE /connections/{id}', () => {
  it('deletes, then 404s; refuses while a dataflow uses it', async () => {
    const { id } = await create('orders-db')
    expect((await api(`/connections/${id}/`, { method: 'DELETE' })).status).toBe(204)
    expect((await api(`/connections/${id}`, { method: 'DELETE' })).status).toBe(404)
    const used = fp.addConnection({ name: 'in-use', usedByFlow: true })
    const refused = await api(`/connections/${used.id}`, { method: 'DELETE' })
    expect((await flowErrorOf(refused)).type).toBe('https://ns.adobe.com/aep/errors/FLOW-1418-400')
  })
})

describe('explore and test', () => {
  it('lists the tables and tests the connection', async () => {
    const { id } = fp.addConnection({ name: 'db', tables: ['a', 'b'] })
    const tables = (await (await api(`/connections/${id}/explore?objectType=ROOT`)).json()) as { name: string }[]
    expect(tables).toEqual([
      { type: 'table', name: 'a', path: 'a', canPreview: true, canFetchSchema: true },
      { type: 'table', name: 'b', path: 'b', canPreview: true, canFetchSchema: true }
    ])
    expect(await (await api(`/connections/${id}/test`)).json()).toEqual({ result: true })
  })
})

describe('faults', () => {
  const post = () => api('/connections', { method: 'POST', body: createBody('faulty') })
  const path = `${BASE}/connections`

  it('reset drops the connection before the work, reset-after-commit after it', async () => {
    fp.inject({ method: 'POST', path, action: 'reset' })
    await expect(post()).rejects.toMatchObject({ cause: { code: 'ECONNRESET' } })
    expect(fp.connections.size).toBe(0)
    fp.inject({ method: 'POST', path, action: 'reset-after-commit' })
    await expect(post()).rejects.toThrow('fetch failed')
    expect(fp.connections.size).toBe(1)
    expect(fp.requests.map((r) => r.fault)).toEqual(['reset', 'reset-after-commit'])
  })

  it('status-after-commit answers the status although the work was done', async () => {
    fp.inject({ path: /\/connections$/, action: 'status-after-commit', status: 503 })
    const response = await post()
    expect(response.status).toBe(503)
    expect(fp.connections.size).toBe(1)
  })

  it('a status fault applies `times` times, then normal handling resumes', async () => {
    fp.inject({ method: 'GET', status: 429, times: 2 })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await api('/connections')).status)
    expect(statuses).toEqual([429, 429, 200])
  })

  it('hang never answers, and close() still ends promptly', async () => {
    const own = await startFakePlatform()
    own.inject({ action: 'hang' })
    const pending = fetch(`${own.url}/ims/token/v3`, { method: 'POST' })
    while (own.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(own.requests[0]?.fault).toBe('hang')
    await own.close()
    await expect(pending).rejects.toThrow('fetch failed')
  })
})

describe('watch', () => {
  it('sees each request, its fault taken, before it is answered; stop ends the watching', async () => {
    const seen: string[] = []
    const stop = fp.watch((request) => {
      seen.push(`${request.method} ${request.fault ?? 'answered'}`)
      if (request.fault === undefined && fp.connections.size === 0) fp.addConnection({ name: 'watched' })
    })
    expect(await namesIn(await api('/connections?property=name==watched'))).toEqual(['watched'])
    fp.inject({ method: 'GET', status: 503 })
    expect((await api('/connections')).status).toBe(503)
    stop()
    await api('/connections')
    expect(seen).toEqual(['GET answered', 'GET 503'])
  })
})

// ---- Behaviours Adobe's tutorials and error catalogue document beyond the spec ----

/** Runs `body` against a server of its own, closed afterwards. */
async function withPlatform(options: FakePlatformOptions, body: (server: FakePlatform) => Promise<void>): Promise<void> {
  const server = await startFakePlatform(options)
  try {
    await body(server)
  } finally {
    await server.close()
  }
}

const codeOf = async (response: Response): Promise<string> => (await flowErrorOf(response)).type.replace('https://ns.adobe.com/aep/errors/FLOW-', '')
const namesIn = async (response: Response): Promise<string[]> => ((await response.json()) as { items: { name: string }[] }).items.map((item) => item.name)

describe('filters: strict reads + literally, lenient form-decodes', () => {
  it.each([
    [false, 'name==Orders+DB', ['Orders DB']],
    [true, 'name==Orders+DB', ['Orders+DB']],
    [false, 'name==Orders%20DB', ['Orders DB']],
    [true, 'name==Orders%20DB', ['Orders DB']],
    [true, 'name%3D%3DOrders%2BDB', ['Orders+DB']],
    [true, 'name==%22Orders%20DB%22', ['Orders DB']]
  ])('strict %s: property=%s', async (strict, filter, expected) => {
    await withPlatform({ strict }, async (server) => {
      server.addConnection({ name: 'Orders DB' })
      server.addConnection({ name: 'Orders+DB' })
      const response = await api(`/connections?property=${filter}`, {}, server)
      expect(await namesIn(response)).toEqual(expected)
      expect(server.requests[0]!.rawQuery).toBe(`property=${filter}`)
    })
  })

  it('strict: a malformed escape is a 1401-400', async () => {
    await withPlatform({ strict: true }, async (server) => {
      expect(await codeOf(await api('/connections?property=name==100%', {}, server))).toBe('1401-400')
    })
  })
})

describe('pages: strict links carry only the token, which keeps no filters', () => {
  const filtered = `property=name==target&property=connectionSpec.id==${MYSQL_SPEC_ID}`

  it('the next page is filtered only when the filters are sent again', async () => {
    await withPlatform({ strict: true, pageSize: 2 }, async (server) => {
      server.seed(8, (i) => ({ name: i < 3 ? 'other' : 'target' }))
      const first = (await (await api(`/connections?${filtered}`, {}, server)).json()) as { items: { name: string }[]; _links: { next?: { href: string } } }
      const href = first._links.next!.href
      expect(href).toMatch(/^\/connections\?continuationToken=[\w-]+$/)
      expect(await namesIn(await api(href, {}, server))).toEqual(['other', 'target'])
      expect(await namesIn(await api(`${href}&${filtered}`, {}, server))).toEqual(['target', 'target'])
    })
  })

  it('lenient: the next link repeats the filters', async () => {
    await withPlatform({ pageSize: 2 }, async (server) => {
      server.seed(3, () => ({ name: 'target' }))
      const first = (await (await api(`/connections?${filtered}`, {}, server)).json()) as { _links: { next?: { href: string } } }
      expect(first._links.next!.href).toContain('property=name%3D%3Dtarget')
    })
  })
})

describe('JSON Patch: strict replace of an absent member fails, add works either way', () => {
  const params = { connectionString: 'Server=h;Port=3306;Database=d;Uid=u;Pwd=p;' }
  const patch = (server: FakePlatform, id: string, ops: unknown[]) =>
    api(`/connections/${id}`, { method: 'PATCH', body: ops, headers: { 'if-match': server.connections.get(id)!.etag } }, server)

  it.each([
    [true, 'replace', '1455-400'],
    [true, 'add', undefined],
    [false, 'replace', undefined],
    [false, 'add', undefined]
  ])('strict %s: %s /description on a connection without one', async (strict, op, code) => {
    await withPlatform({ strict }, async (server) => {
      const { id } = server.addConnection({ name: 'no description' })
      const response = await patch(server, id, [
        { op: 'replace', path: '/auth/params', value: params },
        { op, path: '/description', value: 'new' }
      ])
      if (code) {
        expect(await codeOf(response)).toBe(code)
        expect(server.connections.get(id)!.description).toBeUndefined()
        expect(server.invalidBodies).toEqual([expect.objectContaining({ code })])
      } else {
        expect(response.status).toBe(200)
        expect(server.connections.get(id)!.description).toBe('new')
      }
    })
  })

  it('strict: add also replaces a present member; unknown paths are 1365-400, the spec 1414-400', async () => {
    await withPlatform({ strict: true }, async (server) => {
      const { id } = server.addConnection({ name: 'described', description: 'old' })
      expect((await patch(server, id, [{ op: 'add', path: '/description', value: 'new' }])).status).toBe(200)
      expect(server.connections.get(id)!.description).toBe('new')
      expect(await codeOf(await patch(server, id, [{ op: 'add', path: '/owner', value: 'me' }]))).toBe('1365-400')
      expect(await codeOf(await patch(server, id, [{ op: 'add', path: '/auth/nested/deeper', value: { a: 'b' } }]))).toBe('1365-400')
      expect(await codeOf(await patch(server, id, [{ op: 'replace', path: '/connectionSpec/id', value: { id: 'x' } }]))).toBe('1414-400')
    })
  })

  it.each(['1300-400', '1445-400'] as const)('a connection whose PATCH is refused with %s', async (patchRefusal) => {
    await withPlatform({}, async (server) => {
      const { id } = server.addConnection({ name: 'fixed', patchRefusal })
      expect(await codeOf(await patch(server, id, [{ op: 'add', path: '/description', value: 'new' }]))).toBe(patchRefusal)
    })
  })
})

describe('states', () => {
  it.each([
    ['per-operation', '1457-400', '1458-400'],
    ['generic', '1416-400', '1416-400']
  ] as const)('%s: a delete-finalizing connection is listed, but refused PATCH (%s) and DELETE (%s)', async (stateRefusal, patchCode, deleteCode) => {
    await withPlatform({ stateRefusal }, async (server) => {
      const { id, etag } = server.addConnection({ name: 'going', state: 'delete-finalizing' })
      const listed = (await (await api('/connections?property=name==going', {}, server)).json()) as { items: { id: string; state: string }[] }
      expect(listed.items).toEqual([expect.objectContaining({ id, state: 'delete-finalizing' })])
      const patched = await api(`/connections/${id}`, { method: 'PATCH', body: [{ op: 'add', path: '/description', value: 'x' }], headers: { 'if-match': etag } }, server)
      expect(await codeOf(patched)).toBe(patchCode)
      expect(await codeOf(await api(`/connections/${id}`, { method: 'DELETE' }, server))).toBe(deleteCode)
    })
  })

  it('lingerOnDelete: a deleted connection stays listed as delete-finalizing; a lost answer, then the retry is refused', async () => {
    await withPlatform({ lingerOnDelete: true }, async (server) => {
      const { id } = server.addConnection({ name: 'going' })
      server.inject({ method: 'DELETE', action: 'reset-after-commit' })
      await expect(api(`/connections/${id}`, { method: 'DELETE' }, server)).rejects.toThrow('fetch failed')
      expect(server.connections.get(id)!.state).toBe('delete-finalizing')
      expect(await codeOf(await api(`/connections/${id}`, { method: 'DELETE' }, server))).toBe('1458-400')
    })
  })
})

describe('not found', () => {
  it.each(['1101-404', '1102-404', '1003-404', '1439-404'] as const)('notFoundCode %s', async (notFoundCode) => {
    await withPlatform({ notFoundCode }, async (server) => {
      const response = await api('/connections/c0ffee00-0000-4000-8000-000000000000', { method: 'DELETE' }, server)
      expect(response.status).toBe(404)
      expect(await flowErrorOf(response)).toMatchObject({ type: `https://ns.adobe.com/aep/errors/FLOW-${notFoundCode}`, title: 'Resource not found' })
    })
  })

  it('flowErrorBody builds the same shape', () => {
    expect(flowErrorBody('2101-404', 'Sandbox not found')).toEqual({
      type: 'https://ns.adobe.com/aep/errors/FLOW-2101-404',
      title: 'Sandbox not found',
      status: 404,
      report: { 'detailed-message': 'Sandbox not found', 'request-id': 'req-fake' },
      errorMessage: 'Sandbox not found'
    })
  })
})

describe('slow answers', () => {
  it('delay waits, then answers normally', async () => {
    fp.inject({ method: 'POST', path: `${BASE}/connections`, action: 'delay', ms: 300 })
    const started = performance.now()
    const response = await api('/connections', { method: 'POST', body: createBody('slow') })
    expect(response.status).toBe(201)
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    expect(fp.requests[0]!.fault).toBe('delay')
  })
})

describe('GET /connectionSpecs: the auth specs served are the ones enforced', () => {
  type Spec = { id: string; name: string; authSpec: { name: string; type: string; spec: { properties: Record<string, { type?: unknown; enum?: unknown[] }> } }[] }
  const specOf = async (server: FakePlatform, path = `/connectionSpecs/${MYSQL_SPEC_ID}`): Promise<Spec> => {
    const response = await api(path, {}, server)
    expect(response.status).toBe(200)
    const { items } = (await response.json()) as { items: Spec[] }
    expect(items).toHaveLength(1)
    return items[0]!
  }
  const basic = (sslMode: unknown, port: unknown = '3306') => ({
    name: 'basic',
    auth: { specName: 'Basic Authentication', params: { server: 'h', port, database: 'd', username: 'u', password: 'p', sslMode } },
    connectionSpec: { id: MYSQL_SPEC_ID, version: '1.0' }
  })

  it('azure (default): both auth specs, Basic sslMode the enum', async () => {
    const spec = await specOf(fp)
    expect(spec).toMatchObject({ id: MYSQL_SPEC_ID, name: 'mysql' })
    expect(spec.authSpec.map((a) => a.name)).toEqual(['Connection String Based Authentication', 'Basic Authentication'])
    expect(spec.authSpec[1]!.spec.properties['sslMode']!.enum).toEqual(['DISABLED', 'PREFERRED', 'REQUIRED', 'Verify-Ca', 'Verify Identity'])
    expect(await specOf(fp, '/connectionSpecs?property=name==%22mysql%22')).toEqual(spec)
    expect((await api('/connections', { method: 'POST', body: basic('Verify Identity', 3306) })).status).toBe(201)
    expect((await api('/connections', { method: 'POST', body: basic(true) })).status).toBe(400)
    expect(await codeOf(await api('/connectionSpecs/not-a-spec'))).toBe('1101-404')
  })

  it.each([
    ['boolean', { type: 'boolean' }, true, 'true'],
    ['string', { type: 'string', enum: ['true', 'false'] }, 'false', false]
  ] as const)('aws with a %s sslMode: Basic only; connection-string auth is 1415-400', async (awsSslModeType, sslSchema, accepted, refused) => {
    await withPlatform({ profile: 'aws', awsSslModeType }, async (server) => {
      const spec = await specOf(server)
      expect(spec.authSpec.map((a) => a.name)).toEqual(['Basic Authentication'])
      expect(spec.authSpec[0]!.spec.properties['sslMode']).toMatchObject(sslSchema)
      expect((await api('/connections', { method: 'POST', body: basic(accepted, '443') }, server)).status).toBe(201)
      expect(await codeOf(await api('/connections', { method: 'POST', body: basic(refused) }, server))).toBe('1302-400')
      expect(await codeOf(await api('/connections', { method: 'POST', body: createBody('cs') }, server))).toBe('1415-400')
      const { id, etag } = server.addConnection({ name: 'patched', auth: basic(accepted).auth })
      const toConnectionString = [{ op: 'replace', path: '/auth', value: createBody('cs').auth }]
      expect(await codeOf(await api(`/connections/${id}`, { method: 'PATCH', body: toConnectionString, headers: { 'if-match': etag } }, server))).toBe('1415-400')
    })
  })

  it('authSpecs replaces what is served and enforced', async () => {
    const authSpecs = mysqlAuthSpecs('aws')
    authSpecs[0]!.spec.properties = { ...(authSpecs[0]!.spec.properties as object), port: { type: 'string', enum: ['443'] } }
    await withPlatform({ authSpecs }, async (server) => {
      expect((await specOf(server)).authSpec[0]!.spec.properties['port']).toEqual({ type: 'string', enum: ['443'] })
      expect((await api('/connections', { method: 'POST', body: basic(false, '443') }, server)).status).toBe(201)
      expect(await codeOf(await api('/connections', { method: 'POST', body: basic(false, '3306') }, server))).toBe('1302-400')
    })
  })
})
