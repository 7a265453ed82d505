// The bundled action behind an HTTP CONNECT proxy, as a self-hosted runner meets it: https_proxy
// set, a corporate CA in NODE_EXTRA_CA_CERTS, and https URLs whose host names only the proxy knows.
// Everything listens on 127.0.0.1: the proxy tunnels every CONNECT to a local TLS front (with a
// throw-away certificate for platform.test and ims.test), which pipes the bytes to the fake platform.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { type AddressInfo, type Socket, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Server as TlsServer, createServer as createTlsServer } from 'node:tls'
import { type ConnectProxy, SocketTracker, splice, startConnectProxy } from './support/connect-proxy.js'
import { type FakePlatform, startFakePlatform } from '../testing/fake-platform.mjs'
import { expectFailure } from './support/expect-failure.js'
import { runAction } from '../testing/run-action.mjs'
import { DATABASE, calls as callsOf, platformInputs } from '../testing/scenario.mjs'

const PASSWORD = 'proxy-e2e-db-password-7c2e'
const CLIENT_SECRET = 'proxy-e2e-client-secret-91ab'
const OPENSSL_TIMEOUT_MS = 15_000

let dir: string
let platform: FakePlatform
let front: TlsServer
let proxy: ConnectProxy
/** Every socket the front holds, so afterAll can end them all (the proxy ends its own). */
const sockets = new SocketTracker()

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: OPENSSL_TIMEOUT_MS })
}

/** A throw-away CA and a server certificate it signed for platform.test and ims.test. */
function makeCertificates(): { ca: string; key: string; cert: string } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Throw-away proxy e2e CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign'
  )
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=platform.test')
  writeFileSync(
    join(dir, 'server.ext'),
    ['subjectAltName=DNS:platform.test,DNS:ims.test', 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', ''].join('\n')
  )
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '1', '-days', '2', '-extfile', 'server.ext', '-out', 'server.pem')
  return { ca: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') }
}

function listen(server: TlsServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function close(server: TlsServer | undefined): Promise<void> {
  return new Promise((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()))
}

let frontPort: number
let caPath: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'proxy-e2e-'))
  const { ca, key, cert } = makeCertificates()
  caPath = ca
  platform = await startFakePlatform({ clientSecret: CLIENT_SECRET })
  const platformPort = Number(new URL(platform.url).port)

  // TLS front: terminates TLS for platform.test / ims.test and pipes the plain bytes to the fake.
  front = createTlsServer({ key, cert }, (tlsSocket) => {
    sockets.track(tlsSocket)
    const upstream = sockets.track(connect(platformPort, '127.0.0.1'))
    splice(tlsSocket, upstream)
  })
  front.on('connection', (raw: Socket) => sockets.track(raw))
  front.on('tlsClientError', (_error, tlsSocket) => tlsSocket.destroy())
  frontPort = await listen(front)

  // CONNECT proxy: records the asked host:port and tunnels to the front whatever was asked.
  proxy = await startConnectProxy({ upstream: () => ({ host: '127.0.0.1', port: frontPort }) })
}, 30_000)

afterAll(async () => {
  sockets.destroyAll()
  await Promise.all([proxy?.close(), close(front)])
  await platform?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  platform.reset()
  proxy.connects.length = 0
})

// The URLs name hosts only the proxy knows, in place of the fake platform's own address.
const inputs = (overrides: Record<string, string> = {}) =>
  platformInputs(platform, CLIENT_SECRET, { 'ims-url': 'https://ims.test', 'platform-url': 'https://platform.test', ...DATABASE, password: PASSWORD, ...overrides })
const secrets = (): string[] => [PASSWORD, CLIENT_SECRET, platform.accessToken]
const proxyEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  https_proxy: proxy.url,
  NODE_EXTRA_CA_CERTS: caPath,
  ...extra
})
const calls = () => callsOf(platform)

test('goes through the https_proxy with CONNECT tunnels, trusting the CA from NODE_EXTRA_CA_CERTS', async () => {
  const result = await runAction(inputs(), { secrets: secrets(), env: proxyEnv(), timeoutMs: 25_000 })

  expect(result.errors).toEqual([])
  expect(result.code).toBe(0)
  expect(result.outputs.outcome).toBe('created')
  const id = result.outputs['connection-id']!
  expect(platform.connections.has(id)).toBe(true)
  expect(platform.connections.get(id)!.name).toBe('MySQL shop on db.example.com')
  expect(calls()).toEqual(['POST /ims/token/v3', 'GET /connections', 'POST /connections'])
  // The requests arrived with the names the action was given, not the proxy's or the fake's.
  expect(platform.requests.map((r) => r.headers.host)).toEqual(['ims.test', 'platform.test', 'platform.test'])
  expect(proxy.connects).toContain('ims.test:443')
  expect(proxy.connects).toContain('platform.test:443')
  expect(proxy.connects.every((target) => target === 'ims.test:443' || target === 'platform.test:443')).toBe(true)
  expect(platform.invalidBodies).toEqual([])
}, 30_000)

test('no_proxy sends the requests directly, so the proxy sees nothing and the test host names do not resolve', async () => {
  const result = await runAction(inputs({ 'max-attempts': '1' }), {
    secrets: secrets(),
    env: proxyEnv({ no_proxy: 'platform.test,ims.test' }),
    timeoutMs: 25_000
  })

  // One clear line naming the first host asked (IMS) and why. `.test` never resolves (RFC 2606):
  // ENOTFOUND with a resolver that answers, EAI_AGAIN on a runner without DNS.
  expect(expectFailure(result)).toMatch(/the host name (does not exist|could not be resolved for now) \(https:\/\/ims\.test\)/)
  expect(proxy.connects).toEqual([])
  expect(platform.requests).toEqual([])
  expect(platform.connections.size).toBe(0)
}, 30_000)
