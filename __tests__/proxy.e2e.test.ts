// The bundled action behind an HTTP CONNECT proxy, as a self-hosted runner meets it: https_proxy
// set, a corporate CA in NODE_EXTRA_CA_CERTS, and https URLs whose host names only the proxy knows.
// Everything listens on 127.0.0.1: the proxy tunnels every CONNECT to a local TLS front (with a
// throw-away certificate for platform.test and ims.test), which pipes the bytes to the fake platform.

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { type IncomingMessage, type Server as HttpServer, createServer as createHttpServer } from 'node:http'
import { type AddressInfo, type Socket, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { type Server as TlsServer, createServer as createTlsServer } from 'node:tls'
import { type FakePlatform, startFakePlatform } from './support/fake-platform.mjs'
import { expectFailure } from './support/expect-failure.js'
import { runAction } from './support/run-action.mjs'
import { DATABASE, calls as callsOf, platformInputs } from './support/scenario.mjs'

const PASSWORD = 'proxy-e2e-db-password-7c2e'
const CLIENT_SECRET = 'proxy-e2e-client-secret-91ab'
const OPENSSL_TIMEOUT_MS = 15_000

let dir: string
let platform: FakePlatform
let front: TlsServer
let proxy: HttpServer
/** `host:port` of every CONNECT the proxy received, in order. */
const connects: string[] = []
/** Every socket the front and the proxy hold, so afterAll can end them all. */
const sockets = new Set<Socket | Duplex>()

function track<T extends Socket | Duplex>(socket: T): T {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
  // A peer that goes away mid-tunnel must not become an unhandled 'error'.
  socket.on('error', () => socket.destroy())
  return socket
}

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: OPENSSL_TIMEOUT_MS })
}

/** A throw-away CA and a server certificate it signed for platform.test and ims.test. */
function makeCertificates(): { ca: string; key: string; cert: string } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Throw-away proxy e2e CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign')
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=platform.test')
  writeFileSync(join(dir, 'server.ext'), [
    'subjectAltName=DNS:platform.test,DNS:ims.test',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    ''
  ].join('\n'))
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '1', '-days', '2', '-extfile', 'server.ext', '-out', 'server.pem')
  return { ca: join(dir, 'ca.pem'), key: readFileSync(join(dir, 'server.key'), 'utf8'), cert: readFileSync(join(dir, 'server.pem'), 'utf8') }
}

function listen(server: TlsServer | HttpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function close(server: TlsServer | HttpServer | undefined): Promise<void> {
  return new Promise((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()))
}

/** Pipes both ways and tears both sides down together. */
function splice(a: Socket | Duplex, b: Socket | Duplex): void {
  a.pipe(b)
  b.pipe(a)
  a.on('close', () => b.destroy())
  b.on('close', () => a.destroy())
}

let frontPort: number
let proxyPort: number
let caPath: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'proxy-e2e-'))
  const { ca, key, cert } = makeCertificates()
  caPath = ca
  platform = await startFakePlatform({ clientSecret: CLIENT_SECRET })
  const platformPort = Number(new URL(platform.url).port)

  // TLS front: terminates TLS for platform.test / ims.test and pipes the plain bytes to the fake.
  front = createTlsServer({ key, cert }, (tlsSocket) => {
    track(tlsSocket)
    const upstream = track(connect(platformPort, '127.0.0.1'))
    splice(tlsSocket, upstream)
  })
  front.on('connection', (raw: Socket) => track(raw))
  front.on('tlsClientError', (_error, tlsSocket) => tlsSocket.destroy())
  frontPort = await listen(front)

  // CONNECT proxy: records the asked host:port and tunnels to the front whatever was asked.
  proxy = createHttpServer((_request, response) => {
    response.writeHead(405, { connection: 'close' }).end('only CONNECT\n')
  })
  proxy.on('connection', (raw: Socket) => track(raw))
  proxy.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    connects.push(request.url ?? '')
    track(client)
    const upstream = track(connect(frontPort, '127.0.0.1'))
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      splice(client, upstream)
    })
  })
  proxyPort = await listen(proxy)
}, 30_000)

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await Promise.all([close(proxy), close(front)])
  await platform?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => {
  platform.reset()
  connects.length = 0
})

// The URLs name hosts only the proxy knows, in place of the fake platform's own address.
const inputs = (overrides: Record<string, string> = {}) =>
  platformInputs(platform, CLIENT_SECRET, { 'ims-url': 'https://ims.test', 'platform-url': 'https://platform.test', ...DATABASE, password: PASSWORD, ...overrides })
const secrets = (): string[] => [PASSWORD, CLIENT_SECRET, platform.accessToken]
const proxyEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  https_proxy: `http://127.0.0.1:${proxyPort}`,
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
  expect(connects).toContain('ims.test:443')
  expect(connects).toContain('platform.test:443')
  expect(connects.every((target) => target === 'ims.test:443' || target === 'platform.test:443')).toBe(true)
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
  expect(connects).toEqual([])
  expect(platform.requests).toEqual([])
  expect(platform.connections.size).toBe(0)
}, 30_000)
