import type { IncomingHttpHeaders } from 'node:http'
import { ActionError } from '../src/runner/errors.js'
import type { Response } from '../src/platform/sender.js'
import { describeFailure, errorDetails, flowErrorCode, isObject, readJson } from '../src/platform/answers.js'
import { thrownBy } from './support/expect-failure.js'

function answer(status: number, body: unknown, headers: IncomingHttpHeaders = { 'content-type': 'application/json' }, attempts = 1): Response {
  return { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), repeated: false, attempts }
}

const FLOW_ERROR = {
  type: 'https://ns.adobe.com/aep/errors/FLOW-1302-400',
  title: 'Invalid connection spec',
  status: 400,
  report: { 'detailed-message': 'The connection   string does not\nmatch the spec pattern.', 'request-id': 'req-42' }
}

const actionErrorOf = (fn: () => unknown): string => thrownBy(ActionError, fn)

describe('describeFailure', () => {
  test('a Flow Service error: code, title, detailed message and request id in one sentence', () => {
    expect(describeFailure('Creating the connection', answer(400, FLOW_ERROR))).toBe(
      'Creating the connection failed: HTTP 400, FLOW-1302-400 Invalid connection spec: The connection string does not match the spec pattern (request id req-42). Check the inputs named in the message.'
    )
  })

  test('a gateway error', () => {
    expect(describeFailure('Listing connections', answer(401, { error_code: '401013', message: 'Oauth token is not valid' }))).toBe(
      'Listing connections failed: HTTP 401, 401013: Oauth token is not valid. Check client-id and client-secret, or pass a fresh access-token; tokens expire after 24 hours.'
    )
  })

  test('an IMS error', () => {
    const message = describeFailure('Getting an access token', answer(400, { error: 'invalid_client', error_description: 'invalid client_id parameter' }))
    expect(message).toBe('Getting an access token failed: HTTP 400, invalid_client: invalid client_id parameter. Check the inputs named in the message.')
  })

  test('says how many attempts a retried failure took', () => {
    expect(describeFailure('Listing connections', answer(503, FLOW_ERROR, undefined, 4))).toMatch(/^Listing connections failed after 4 attempts: HTTP 503, FLOW-1302-400/)
  })

  test('an HTML page', () => {
    const message = describeFailure('Listing connections', answer(502, '<html><body>Bad Gateway</body></html>', { 'content-type': 'text/html; charset=UTF-8' }))
    expect(message).toBe(
      'Listing connections failed: HTTP 502, with an HTML page (did a proxy or login page answer?) instead of an error this action knows. The service had a problem; try again later.'
    )
  })

  test.each<[string, Response, string]>([
    ['an empty body', answer(500, ''), 'with an empty body'],
    ['a blank body', answer(503, '  \n'), 'with an empty body'],
    ['plain text', answer(500, 'oops', { 'content-type': 'text/plain' }), 'with text/plain content instead of an error this action knows'],
    ['no content type', answer(500, 'oops', {}), 'with content of no stated type instead of an error this action knows'],
    ['a JSON array', answer(500, '[1,2]'), 'with application/json content instead of an error this action knows'],
    ['JSON without known fields', answer(500, { foo: 'bar' }), 'with application/json content instead of an error this action knows']
  ])('%s is described', (_, response, fragment) => {
    const message = describeFailure('Reading connection c1', response)
    expect(message).toBe(`Reading connection c1 failed: HTTP ${response.status}, ${fragment}. The service had a problem; try again later.`)
  })

  test.each<[number, string | undefined, string]>([
    [302, 'https://login.example.com/sso', 'Listing connections failed: HTTP 302, a redirect to https://login.example.com/sso.'],
    [301, undefined, 'Listing connections failed: HTTP 301, a redirect.']
  ])('HTTP %i is a redirect that is not followed', (status, location, start) => {
    const message = describeFailure('Listing connections', answer(status, FLOW_ERROR, location ? { location } : {}))
    expect(message).toBe(`${start} Redirects are not followed, so credentials never go to another address; check the URL inputs.`)
  })

  test('the request id can come from the x-request-id header', () => {
    const message = describeFailure('Deleting connection c1', answer(409, { title: 'Conflict' }, { 'content-type': 'application/json', 'x-request-id': 'hdr-7' }))
    expect(message).toBe('Deleting connection c1 failed: HTTP 409, Conflict (request id hdr-7). Another change got there first; run the step again.')
  })

  test('a detail equal to the title is said once', () => {
    const message = describeFailure('Updating connection c1', answer(412, { title: 'Precondition failed', detail: 'Precondition failed' }))
    expect(message).toBe('Updating connection c1 failed: HTTP 412, Precondition failed. The connection changed while this step ran; run the step again.')
  })

  test.each<[number, string]>([
    [403, 'Check ims-org-id'],
    [404, 'Check sandbox-name and platform-url.'],
    [429, 'Platform is throttling requests'],
    [504, 'The service had a problem; try again later.']
  ])('HTTP %i gets its hint', (status, hint) => {
    expect(describeFailure('X', answer(status, { code: 'E1', message: 'm' }))).toContain(`: m. ${hint}`)
  })

  test('a given hint replaces the default one; an empty hint means none', () => {
    const response = answer(400, FLOW_ERROR)
    expect(describeFailure('X', response, 'Do this instead.')).toMatch(/\(request id req-42\)\. Do this instead\.$/)
    expect(describeFailure('X', response, '')).toMatch(/\(request id req-42\)\.$/)
  })

  test('an unlisted 4xx has no hint', () => {
    expect(describeFailure('X', answer(418, { message: "I'm a teapot." }))).toBe("X failed: HTTP 418: I'm a teapot.")
  })
})

describe('errorDetails and flowErrorCode', () => {
  test('reads the Flow Service shape', () => {
    expect(errorDetails(answer(400, FLOW_ERROR))).toEqual({
      code: 'FLOW-1302-400',
      title: 'Invalid connection spec',
      detail: 'The connection   string does not\nmatch the spec pattern.',
      requestId: 'req-42'
    })
  })

  test('a numeric error code is read as text', () => {
    expect(errorDetails(answer(500, { code: 500, errorMessage: ' internal ' }))).toEqual({ code: '500', detail: 'internal' })
  })

  test.each<[string, Response, string | undefined]>([
    ['Flow Service 400', answer(400, FLOW_ERROR), '1302-400'],
    ['Flow Service 404', answer(404, { type: 'https://ns.adobe.com/aep/errors/FLOW-1101-404', title: 'Not found' }), '1101-404'],
    ['gateway', answer(401, { error_code: '401013', message: 'Oauth token is not valid' }), '401013'],
    ['not JSON', answer(502, '<html></html>', { 'content-type': 'text/html' }), undefined],
    ['a JSON string', answer(500, '"FLOW-1-2"'), undefined],
    ['null', answer(500, 'null'), undefined],
    ['no code fields', answer(500, { title: 'Oops' }), undefined]
  ])('%s', (_, response, code) => {
    expect(flowErrorCode(response)).toBe(code)
  })
})

describe('readJson', () => {
  test.each([['application/json'], ['application/json; charset=utf-8'], ['application/problem+json'], ['Application/JSON']])('accepts %s', (type) => {
    expect(readJson('Reading', answer(200, { id: 'c1', n: [1] }, { 'content-type': type }))).toEqual({ id: 'c1', n: [1] })
  })

  test('refuses an HTML answer, saying so', () => {
    const message = actionErrorOf(() => readJson('Listing connections', answer(200, '<html>login</html>', { 'content-type': 'text/html' })))
    expect(message).toBe(
      'Listing connections failed: HTTP 200 came with an HTML page (did a proxy or login page answer?) instead of JSON. Check that platform-url and ims-url point at Adobe, not at a proxy or login page.'
    )
  })

  test.each<[string, IncomingHttpHeaders, string]>([
    ['no content type', {}, 'content of no stated type'],
    ['text/plain', { 'content-type': 'text/plain' }, 'text/plain content'],
    ['application/jsonp', { 'content-type': 'application/jsonp' }, 'application/jsonp content']
  ])('refuses %s even when the body is JSON', (_, headers, fragment) => {
    expect(actionErrorOf(() => readJson('X', answer(200, { ok: true }, headers)))).toContain(fragment)
  })

  test.each([['{"id": "abc'], [''], ['{"id": 1,}']])('refuses truncated or malformed JSON %j', (body) => {
    expect(actionErrorOf(() => readJson('Creating the connection', answer(201, body)))).toBe(
      'Creating the connection failed: HTTP 201 came with malformed or cut-off JSON. Try again; if it persists, check proxies between the runner and Adobe.'
    )
  })
})

test.each<[unknown, boolean]>([
  [{}, true],
  [{ a: 1 }, true],
  [[], false],
  [null, false],
  ['x', false],
  [1, false]
])('isObject(%j) is %s', (value, expected) => {
  expect(isObject(value)).toBe(expected)
})
